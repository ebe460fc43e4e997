"""Typed requests for views behind ``login_required`` (and DRF's IsAuthenticated):
``request.user`` is a ``User`` there, so services get a typed actor without casts."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    user: User
