"""Secrets at rest: the token vault (MultiFernet), admin password hashes, API key hashes."""
