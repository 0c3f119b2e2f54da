"""The cursor key: from ``MCP_ASSISTANT_FILES_CURSOR_SECRET``, a file kept beside the data, or random.

The server hands the key to :class:`.cursors.CursorCodec`; which source it takes, and the
warning a random key deserves, are :mod:`..cli`'s to decide.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

__all__ = ["CURSOR_SECRET_ENV", "secret_from_env", "secret_from_file"]

CURSOR_SECRET_ENV: Final = "MCP_ASSISTANT_FILES_CURSOR_SECRET"  # noqa: S105 - a variable name, not a secret


def secret_from_env(environ: Mapping[str, str] | None = None) -> tuple[bytes, bool]:
    """Return the cursor key and whether it is random.

    The key is SHA-256 of ``MCP_ASSISTANT_FILES_CURSOR_SECRET`` when that is set to a non-blank
    string, so replicas sharing it accept each other's cursors. Otherwise it is a random
    per-process key (``True`` in the result): cursors then stop working when the process
    restarts, which the server should warn about.
    """
    value = (os.environ if environ is None else environ).get(CURSOR_SECRET_ENV, "")
    if value.strip():
        return hashlib.sha256(value.encode("utf-8")).digest(), False
    return secrets.token_bytes(32), True


def secret_from_file(path: Path) -> bytes:
    """The cursor key kept in ``path``, creating the file (mode 0600) on first use.

    Used when ``MCP_ASSISTANT_FILES_CURSOR_SECRET`` is unset, so cursors survive restarts (hosts
    and tools that start a server per call) on this machine. Creation is atomic (a hard link of
    a finished temporary file), so concurrent first starts agree on one secret. Raises
    ``OSError`` when the file can be neither read nor created, or holds too little.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".cursor-secret-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    try:
        value = path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise OSError(f"{path} is damaged (not text): delete it to make a new one") from None
    if len(value) < 32:
        raise OSError(f"{path} holds too short a secret (delete it to make a new one)")
    return hashlib.sha256(b"file:" + value.encode("utf-8")).digest()
