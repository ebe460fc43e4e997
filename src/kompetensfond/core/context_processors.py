from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Role
from .permissions import membership_of, roles_of


def tenant(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(getattr(request, "user", None))
    roles = roles_of(request.user) if membership else set()
    return {
        "current_municipality": membership.municipality if membership else None,
        "current_roles": roles,
        "Role": Role,
    }
