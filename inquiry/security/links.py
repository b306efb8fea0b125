"""Signed links for invitations, password resets and first-run set-up.

A link carries ``(row id, nonce)`` signed with the secret key and a salt naming
its purpose, so a reset link can never be used as an invitation. The row holds
the nonce, the expiry and whether it was used; the nonce is compared in
constant time. Reading the database alone is not enough to forge a link.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class LinkClaim:
    row_id: int
    nonce: str

    def matches(self, stored_nonce: str) -> bool:
        return hmac.compare_digest(self.nonce.encode(), stored_nonce.encode())


def _serializer(secret_key: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=f"inquiry-link:{purpose}")


def sign_link(secret_key: str, purpose: str, row_id: int, nonce: str) -> str:
    return _serializer(secret_key, purpose).dumps([row_id, nonce])


def read_link(secret_key: str, purpose: str, token: str) -> LinkClaim | None:
    """The claim in a token, or None if it was not signed by us for this purpose."""
    if not token or len(token) > 500:
        return None
    try:
        data = _serializer(secret_key, purpose).loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not isinstance(data[0], int)
        or not isinstance(data[1], str)
    ):
        return None
    return LinkClaim(row_id=data[0], nonce=data[1])
