"""HubSpot adapter tests: the SDK over real HTTP against the HubSpot sandbox."""
