"""The dashboard's credentials file: who may sign in, with which role, checked with argon2.

Why a file of argon2 hashes: a dashboard served on a network must know who edits annotations, and the
analyst name on each annotation must be the person who signed in, not a free-text field. argon2-cffi is
the maintained binding of the password-hashing competition winner; a hash alone does not give the
password back, and the file is written with mode 0600 all the same.

Format (JSON, written by `conflictmap users add`)::

    {"version": 1, "users": {"amina": {"role": "analyst", "hash": "$argon2id$v=19$..."}}}

It lives in `geo` (no Streamlit import) because the CLI (`users add`, `dashboard`) and the app both use
it; the login form is `dashboard.auth`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from geo.errors import ConfigurationError
from geo.fileio import atomic_write_text

ENV = "CONFLICTMAP_CREDENTIALS"
ROLES = ("viewer", "analyst")
MAX_NAME = 64
_HASHER = PasswordHasher()


class CredentialsError(ConfigurationError):
    """A credentials file that cannot be read or used, or a user name that cannot be stored."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str

    @property
    def can_annotate(self) -> bool:
        return self.role == "analyst"


def configured_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The credentials file to use: the explicit one, else $CONFLICTMAP_CREDENTIALS, else none."""
    value = explicit if explicit is not None else os.environ.get(ENV)
    return Path(value) if value else None


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost).

    An empty address means "every interface" to Streamlit, so it is not loopback.
    """
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name or a unix socket path: treat as reachable from elsewhere


def check_name(name: str) -> str:
    """A user name as stored: trimmed, 1-64 printable characters, no control characters."""
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise CredentialsError("a user name cannot be empty")
    if len(name) > MAX_NAME:
        raise CredentialsError(f"a user name has at most {MAX_NAME} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise CredentialsError("a user name cannot contain control characters")
    return name


def load(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """{name: {"role", "hash"}} from the file; a missing file is an empty set of users."""
    p = Path(path)
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CredentialsError(f"credentials file {p} unreadable ({exc})") from exc
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict) or not all(
        isinstance(v, dict) and v.get("role") in ROLES and isinstance(v.get("hash"), str)
        for v in users.values()
    ):
        raise CredentialsError(f"credentials file {p} is not a conflictmap credentials file")
    return users


def require_users(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """The users of an existing file with at least one user (what serving with a login needs)."""
    p = Path(path)
    if not p.is_file():
        raise CredentialsError(f"credentials file {p} does not exist; create it with `conflictmap users add`")
    users = load(p)
    if not users:
        raise CredentialsError(f"credentials file {p} holds no user; add one with `conflictmap users add`")
    return users


def add_user(path: str | os.PathLike[str], name: str, password: str, role: str = "analyst") -> bool:
    """Add `name` (or replace its password and role); returns True when the user is new.

    Written atomically (geo.fileio) under a 0077 umask, so the file is created and kept at mode 0600.
    """
    name = check_name(name)
    if role not in ROLES:
        raise CredentialsError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if not password:
        raise CredentialsError("the password cannot be empty")
    users = load(path)
    new = name not in users
    users[name] = {"role": role, "hash": _HASHER.hash(password)}
    text = json.dumps({"version": 1, "users": users}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    old_umask = os.umask(0o077)  # geo.fileio gives the mode a new file would get under the umask
    try:
        atomic_write_text(path, text)
    finally:
        os.umask(old_umask)
    return new


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs the same time as a wrong password."""
    return _HASHER.hash("conflictmap-no-such-user")


def verify(users: dict[str, dict[str, str]], name: str, password: str) -> User | None:
    """The user when `password` is theirs, else None (unknown name and wrong password look the same)."""
    try:
        key = check_name(name)
    except CredentialsError:
        key = ""
    entry = users.get(key)
    try:
        _HASHER.verify(entry["hash"] if entry else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if entry is None:
        return None
    return User(key, entry["role"])
