"""Privacy by design: per-record opt-out, erasure of a person (CRM deletion, `leadscore privacy forget`), the
export of what the connector holds about one person, and retention of snapshots."""
