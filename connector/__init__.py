"""LeadScore Connector: the web app, the CRM adapters, the sandboxes and the CLI."""
