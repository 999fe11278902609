"""A local Salesforce org emulator that the unmodified simple-salesforce talks to over HTTP (see sandbox.py)."""
from connector.crm.salesforce.local_session import LocalSession
from .sandbox import SalesforceSandbox
from .store import Org

__all__ = ["LocalSession", "Org", "SalesforceSandbox"]
