"""API tokens stored as hashes, with an expiry (``Authorization: Token <key>``)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken, User


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """DRF's ``Token`` header, checked against the stored hashes of unexpired tokens."""

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=key_hash(key), expires_at__gt=timezone.now()).first())
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The API token is not valid or has "
                                                    "expired."))
        return token.user, token


class HashedTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    """Documents the token in the OpenAPI schema."""

    target_class = "kompetensfond.core.tokens.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key> (kompetensfond createtoken USER)"}
