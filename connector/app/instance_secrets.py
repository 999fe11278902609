"""Secrets generated into the instance folder on the first embedded start, when none are configured."""
from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


def make_private(instance: Path, database_url: str) -> None:
    """The instance folder 0700, and the embedded SQLite file in it 0600, created so before SQLite opens it
    (SQLite gives its -wal and -shm files the database file's mode)."""
    instance.chmod(0o700)  # also when it existed already, e.g. made by an older version with the umask's 0755
    sqlite_file = Path(database_url.removeprefix("sqlite:///")) if database_url.startswith("sqlite:///") else None
    if sqlite_file is not None and sqlite_file.parent == instance:
        os.close(os.open(sqlite_file, os.O_WRONLY | os.O_CREAT, 0o600))
        sqlite_file.chmod(0o600)


def read_or_create(path: Path, make) -> str:
    """The file's content, creating it (mode 0600) with `make()` first if it does not exist.

    The secret is written to a private temporary file and hard-linked into place: the link either creates
    the file whole or fails because it exists, so web processes starting together never read a half-written
    file and all end up with the same secret.
    """
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        _write_private(tmp, make() + "\n")
        try:
            os.link(tmp, path)
            log.warning("generated %s; production must set it through the environment instead", path.name)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def prepend_line(path: Path, line: str) -> None:
    """Put a new key first (the one MultiFernet encrypts with), keeping the older ones for decryption."""
    old = path.read_text() if path.exists() else ""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    _write_private(tmp, line + "\n" + old)
    os.replace(tmp, path)
