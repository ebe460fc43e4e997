"""API plumbing kept free of rest_framework.views (settings import it at start-up):
the tenant permission and error bodies ``{"code", "detail"}`` in Swedish."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, pagination, parsers, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import DomainError
from .permissions import membership_of

# An object's id in a URL: digits only, and few enough to fit a 64-bit key, so a route
# never hands the database "abc" or a number it cannot hold (404 instead of 500).
ID_PATTERN = "[0-9]{1,18}"
INT_MAX = 2**31 - 1  # the largest id a request body may carry
PEOPLE_MAX = 100_000  # participants in one application: more than any municipality employs


# Every API error body, for the responses that document one ("fields" cannot be a
# serializer attribute: Serializer.fields is taken).
ErrorSerializer = inline_serializer(name="Error", fields={
    "code": serializers.CharField(), "detail": serializers.CharField(),
    "fields": serializers.DictField(required=False)})


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An id in a request body: a positive whole number the database can hold."""
    return serializers.IntegerField(min_value=1, max_value=INT_MAX, **kwargs)


def people_field(**kwargs: Any) -> serializers.IntegerField:
    """A number of people (participants): 0 up to more than any municipality employs."""
    return serializers.IntegerField(min_value=0, max_value=PEOPLE_MAX, **kwargs)


def id_param(params: Any, name: str) -> int | None:
    """An id from the query string (``?unit=12``): None when absent, a 400 naming the
    parameter when it is not one."""
    value = params.get(name)
    if value in (None, ""):
        return None
    if not re.fullmatch(ID_PATTERN, value):
        raise exceptions.ValidationError({name: [_("Enter an id (a whole number).")]})
    return int(value)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing input nested too deep for Python's parser (a 400, not
    the RecursionError a 50,000-level array causes)."""

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("The JSON is nested too deep.")) from exc


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=`` at most 1000; a larger or malformed limit or offset falls back to the
    defaults instead of reaching the database."""

    max_limit = 1000

    def get_offset(self, request: Any) -> int:
        offset = super().get_offset(request)
        return offset if offset <= 10**9 else 0


class IsMunicipalityMember(permissions.BasePermission):
    """Authenticated and belonging to a municipality: the tenant comes from the user."""

    message = gettext_lazy("Your account does not belong to any municipality.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return membership_of(request.user) is not None


def _flatten(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_flatten(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error body is ``{"code": ..., "detail": ...}`` (plus ``fields``)."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.fields:
            body["fields"] = exc.fields
        return Response(body, status=exc.status)
    if isinstance(exc, DataError):  # a value beyond a column's range that got through
        exc = exceptions.ValidationError(_("A value is outside the range allowed."))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": _("The request contains errors."),
            "fields": exc.detail,
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": _flatten(exc.detail),
        }
    return response
