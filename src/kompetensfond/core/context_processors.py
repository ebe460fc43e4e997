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
        # computed only by a page that shows it (the navigation)
        "work_count": (lambda: _work_count(request)) if membership else 0,
    }


def _work_count(request: HttpRequest) -> int:
    from kompetensfond.allowances.selectors import claims_waiting_count
    from kompetensfond.applications.selectors import work_count

    return work_count(request.user) + claims_waiting_count(request.user)


def work_queue_of(request: HttpRequest) -> Any:
    """The user's to-do lists, read once per request (the home page and the navigation's
    count share them)."""
    from kompetensfond.applications.selectors import work_queue

    if not hasattr(request, "_work_queue"):
        request._work_queue = work_queue(request.user)  # type: ignore[attr-defined]
    return request._work_queue  # type: ignore[attr-defined]
