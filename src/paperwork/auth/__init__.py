"""Admin authentication: tokens (``tokens.py``), their table (``repository.py``) and the
``AdminDep`` guard (``dependency.py``). The names callers use are importable from here."""

from __future__ import annotations

from paperwork.auth.dependency import AdminDep, require_admin
from paperwork.auth.tokens import (
    create_token,
    hash_token,
    list_tokens,
    record_use,
    revoke_token,
    verify_token,
)

__all__ = [
    "AdminDep",
    "create_token",
    "hash_token",
    "list_tokens",
    "record_use",
    "require_admin",
    "revoke_token",
    "verify_token",
]
