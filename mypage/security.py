"""Hashing and random values shared by accounts, sessions, tokens and codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

import bcrypt

from mypage.settings import get_settings

# The letter prints codes for people to type: no 0/O/o, 1/l/I.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4


def nfkc(value: str) -> str:
    """Full-width letters and digits to half-width, spaces trimmed (the guide's rule)."""
    return unicodedata.normalize("NFKC", value or "").strip()


def hash_password(password: str, rounds: int | None = None) -> str:
    """A bcrypt hash at the configured cost."""
    rounds = rounds or get_settings().bcrypt_rounds
    # bcrypt reads 72 bytes; check_password cuts the same way (long ASVS passwords).
    return bcrypt.hashpw(password.encode("utf-8")[:72], bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; runs bcrypt even without a hash, so timing tells nothing."""
    candidate = (password_hash or _dummy_hash()).encode("ascii")
    matched = bcrypt.checkpw(password.encode("utf-8")[:72], candidate)
    return matched and password_hash is not None


_DUMMY: dict[int, str] = {}


def _dummy_hash() -> str:
    rounds = get_settings().bcrypt_rounds
    if rounds not in _DUMMY:
        _DUMMY[rounds] = hash_password(secrets.token_urlsafe(16), rounds)
    return _DUMMY[rounds]


def new_token() -> str:
    """32 random bytes, URL-safe: for mail links, reset links, session cookies."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the database keeps of a token or code: a keyed SHA-256, never the value."""
    key = get_settings().secret_key.encode("utf-8")
    return hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()


def new_auth_code() -> str:
    """A 12-character code, printed and typed as four-four-four characters, e.g. Ab3D-eF4g-H5jK."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))


def format_auth_code(code: str) -> str:
    """The code as the letter prints it: four-four-four characters, e.g. Ab3D-eF4g-H5jK."""
    size = CODE_GROUP_LENGTH
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def normalize_auth_code(value: str) -> str:
    """What the subscriber typed, with full-width, hyphens and spaces removed; case kept."""
    return "".join(ch for ch in nfkc(value) if ch not in "-‐－ー \u3000")
