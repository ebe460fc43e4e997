"""The core app's contracts in one place: the error codes it can raise (the API's
``code``) and the audit actions it can write."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    MUNICIPALITY_CREATED = "municipality.created"
    USER_CREATED = "user.created"
    USER_SSO_CREATED = "user.sso_created"
    USER_SSO_LINKED = "user.sso_linked"
    USER_ROLES_SYNCED = "user.roles_synced"
    # an audit action name, not a password (bandit B105)
    API_TOKEN_CREATED = "user.api_token_created"  # nosec B105
