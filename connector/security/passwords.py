"""Admin password hashing (werkzeug's salted scrypt)."""
from __future__ import annotations

from functools import lru_cache

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12


class WeakPassword(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must be at least {MIN_LENGTH} characters")
    return generate_password_hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """None (an unknown email) still costs one scrypt check, so timing does not tell which emails exist."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("no admin has this password")
