"""Access tokens (HS256 JWTs) and integration-key secrets.

JWT by hand rather than a library: HS256 is a dozen lines, and owning the verifier
makes the refusals the wizard probes for (alg none, wrong signature, expiry) explicit
instead of a library default someone could loosen.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

ISSUER = "launch-sandbox"
TOKEN_TTL_SECONDS = 900

# `lk_<8 hex>` is the prefix the API shows; the secret is the prefix, `_`, 48 hex.
KEY_SECRET = re.compile(r"^(lk_[0-9a-f]{8})_[0-9a-f]{48}$")


class TokenError(Exception):
    """Why an access token was refused: `code` goes into the 401 body."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json_part(text: str) -> dict:
    try:
        value = json.loads(_b64decode(text))
    except (binascii.Error, ValueError):
        raise TokenError("invalid_token", "the access token is malformed") from None
    if not isinstance(value, dict):
        raise TokenError("invalid_token", "the access token is malformed")
    return value


@dataclass
class TokenSigner:
    secret: bytes
    clock: Callable[[], float]
    ttl: int = TOKEN_TTL_SECONDS

    def _sign(self, signing_input: str) -> bytes:
        return hmac.new(self.secret, signing_input.encode(), hashlib.sha256).digest()

    def issue(self, tenant_id: str, key_id: str) -> str:
        now = int(self.clock())
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "iss": ISSUER,
            "sub": key_id,
            "tid": tenant_id,
            "iat": now,
            "exp": now + self.ttl,
            "jti": secrets.token_hex(8),
        }
        signing_input = ".".join(
            _b64encode(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        return f"{signing_input}.{_b64encode(self._sign(signing_input))}"

    def verify(self, token: str) -> dict:
        """The token's claims, or TokenError. Only HS256 with our key is ever accepted."""
        parts = token.split(".")
        if len(parts) != 3 or not all(parts[:2]):
            raise TokenError("invalid_token", "the access token is malformed")
        header = _json_part(parts[0])
        if header.get("alg") != "HS256":
            raise TokenError("invalid_token", "the access token's algorithm is not accepted")
        try:
            signature = _b64decode(parts[2])
        except (binascii.Error, ValueError):
            raise TokenError("invalid_token", "the access token is malformed") from None
        if not hmac.compare_digest(signature, self._sign(f"{parts[0]}.{parts[1]}")):
            raise TokenError("invalid_token", "the access token's signature is wrong")
        claims = _json_part(parts[1])
        exp = claims.get("exp")
        if not isinstance(exp, int) or claims.get("iss") != ISSUER or not isinstance(claims.get("tid"), str):
            raise TokenError("invalid_token", "the access token's claims are incomplete")
        if exp <= self.clock():
            raise TokenError("token_expired", "the access token has expired; exchange the key again")
        return claims


def new_key_secret() -> tuple[str, str]:
    """A fresh (prefix, secret) pair for an integration key."""
    prefix = f"lk_{secrets.token_hex(4)}"
    return prefix, f"{prefix}_{secrets.token_hex(24)}"


def key_prefix(secret: str) -> str | None:
    """The prefix of a well-formed key secret, None for anything else."""
    match = KEY_SECRET.match(secret)
    return match.group(1) if match else None


def hash_key(hash_secret: bytes, secret: str) -> str:
    """Keys are stored only as this keyed hash: a leaked store leaks no usable key."""
    return hmac.new(hash_secret, secret.encode(), hashlib.sha256).hexdigest()
