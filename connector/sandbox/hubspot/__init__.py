"""A local HubSpot (CRM v3 contacts, properties, owners, tasks, associations, workflows, OAuth, webhooks)
that the unmodified `hubspot-api-client` talks to over HTTP, with HubSpot's limits and fault switches."""
from .app import App, HubSpotSandbox
from .store import Portal
from .webhooks import signature_v3

__all__ = ["App", "HubSpotSandbox", "Portal", "signature_v3"]
