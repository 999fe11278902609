"""The Salesforce adapter: Leads and Contacts over simple-salesforce, OAuth (web-server flow with PKCE)."""
from .client import SalesforceClient
from .fields import salesforce_score_fields
from .oauth import salesforce_endpoints

__all__ = ["SalesforceClient", "salesforce_endpoints", "salesforce_score_fields"]
