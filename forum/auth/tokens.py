"""Signed, expiring links for email verification and password resets.

Each purpose has its own salt, so a reset link can never be used as a verification link.
A token carries a fingerprint of the state it may change (the password hash, or "not yet
verified"), so it stops working once it has been used.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

VERIFY_SALT = "forum.verify-email"
RESET_SALT = "forum.reset-password"


class BadToken(Exception):
    """The link was forged, has expired or has already been used."""


def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(value: str) -> str:
    """A short keyed digest: tokens stay readable to their holder, so never carry the value."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:24]


def make(salt: str, payload: dict[str, Any]) -> str:
    return serializer(salt).dumps(payload)


def read(salt: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a good token; raises BadToken for a forged or expired one."""
    if not token or len(token) > 1000:
        raise BadToken
    try:
        payload = serializer(salt).loads(token, max_age=max_age)
    except (BadSignature, UnicodeError, ValueError) as error:  # SignatureExpired is a BadSignature
        raise BadToken from error
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise BadToken
    return payload
