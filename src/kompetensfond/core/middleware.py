"""Request id for the audit trail, and the user's municipality on every request."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .context import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request: HttpRequest) -> str:
    """The client's address. Directly on the internet (``TRUSTED_PROXY_COUNT`` 0) it is
    ``REMOTE_ADDR``, whatever headers say. Behind n trusted proxies (load balancers) it is
    the n-th address from the right of ``X-Forwarded-For``: each proxy appends the address
    it was called from, so what lies further left was written by the client and is
    ignored (else anyone could pose as any address, and lock any user out of login)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in
                 str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote


class RequestIdMiddleware:
    """Takes ``X-Request-ID`` from a trusted proxy (only when the app runs behind one) or
    makes one, and echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "") if settings.TRUSTED_PROXY_COUNT else ""
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user picked English with the language switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show
    English to every municipal employee whose browser happens to be set up in English.
    Here only the language cookie set by the switcher counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Pages for signed-in users hold the municipality's data (often personal data):
    browsers and proxies must not keep them (``Cache-Control: no-store``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


SESSION_RENEWED = "_renewed_at"


class SessionRenewalMiddleware:
    """Sessions end after ``SESSION_COOKIE_AGE`` without a request. Instead of writing the
    session on every request (``SESSION_SAVE_EVERY_REQUEST``: an UPDATE and a commit per
    page view, a third of a cached page's time), a session is renewed when its last renewal
    is ``SESSION_RENEW_SECONDS`` old: the idle limit holds to within that."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - int(session.get(SESSION_RENEWED, 0)) >= settings.SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED] = now  # modified: saved with a new expiry
        return self.get_response(request)
