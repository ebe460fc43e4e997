"""A rendered list page kept for its session until the municipality's data changes.

Every write goes through a service that records an audit event (``audit.services
.record_event``); when its transaction commits, the municipality's data version is moved on
(``data_changed``). A page decorated with ``cached_page`` is kept in the cache (Redis in
production, shared by every app server) under its session, CSRF cookie, language and full
path, with the municipality's data version it was made at: the next request for the same
page by the same session, while nothing in the municipality has changed, is answered from
the cache without a query of its own. A write anywhere in the municipality, a new session,
a pending flash message, a POST, an export or another language miss the cache and render
the page afresh.

The page's Content-Security-Policy nonce is never reused: it is kept as a placeholder and
each answer gets a fresh one, in the header and in the page. At most ``TIMEOUT`` seconds
old, so that a page that depends on today's date follows the calendar.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

TIMEOUT = 300
NONCE_PLACEHOLDER = b"__kompetensfond_csp_nonce__"


def _version_key(municipality_id: int) -> str:
    return f"kf:data-version:{municipality_id}"


def data_changed(municipality_id: int | None) -> None:
    """After the current transaction commits: the municipality's cached pages are stale."""
    if municipality_id is None:
        return

    def bump() -> None:
        key = _version_key(municipality_id)
        cache.add(key, 0, timeout=None)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=None)

    transaction.on_commit(bump)


def _cache_key(request: Any) -> str:
    parts = [request.session.session_key or "",
             request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""), get_language() or "",
             request.get_full_path()]
    return "kf:page:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a logged-in GET of this page from the cache while nothing has changed.

    A hit costs the session, the user, the user's municipality (one query each) and one
    round trip to the cache for the page and the municipality's data version together."""
    from kompetensfond.core.models import Membership

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if (not settings.RESPONSE_CACHE or request.method != "GET" or user is None
                or not user.is_authenticated
                or "export" in request.GET or len(messages.get_messages(request))
                or not request.session.session_key):
            return view(request, *args, **kwargs)
        municipality_id = (Membership.objects.filter(user=user)
                           .values_list("municipality_id", flat=True).first())
        if municipality_id is None:
            return view(request, *args, **kwargs)
        key, version_key = _cache_key(request), _version_key(municipality_id)
        found = cache.get_many([key, version_key])
        version = int(found.get(version_key) or 0)
        nonce = str(request.csp_nonce).encode()  # type: ignore[attr-defined]
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            _version, content_type, body = kept
            return HttpResponse(body.replace(NONCE_PLACEHOLDER, nonce),
                                content_type=content_type)
        response = view(request, *args, **kwargs)
        if (response.status_code == 200 and not response.streaming and not response.cookies
                and response.get("Content-Type", "").startswith("text/html")):
            cache.set(key, (version, response["Content-Type"],
                            response.content.replace(nonce, NONCE_PLACEHOLDER)), TIMEOUT)
        return response

    return wrapper
