"""Local emulators of the HubSpot and Salesforce APIs, for tests, the demo and admins trying the connector.

Shared runtime lives here (`server`, `clock`, `limits`, `faults`); each CRM has a sub-package with the
same file names (`app`, `oauth`, `store`, `seed`, ...), so a reader of one finds the same thing in the other.
"""
