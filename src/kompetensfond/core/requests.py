"""Typed requests for views behind ``login_required`` (and DRF's IsAuthenticated):
``request.user`` is a ``User`` there, so services get a typed actor without casts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from rest_framework.request import Request

from .models import Municipality, User
from .permissions import municipality_of


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    user: User


def actor_of(request: HttpRequest | Request) -> User:
    """The person behind an authenticated request (views and API views let only members
    of a municipality through), typed for the services."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def own_municipality(user: object) -> Municipality:
    """The user's municipality; 404 for anyone without one (no existence leaks)."""
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    return municipality


def query_without(request: HttpRequest, *keys: str) -> str:
    """The request's query string without ``keys`` (a list page's links keep its filters
    and drop the page number, the export and the like)."""
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()
