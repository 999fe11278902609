"""The HubSpot adapter: contacts over the official hubspot-api-client, OAuth for the connector's app."""
from .client import HubSpotClient
from .fields import hubspot_score_fields
from .oauth import hubspot_endpoints

__all__ = ["HubSpotClient", "hubspot_endpoints", "hubspot_score_fields"]
