"""The ``service`` decorator every write goes through.

A service runs in one transaction and must record at least one audit event in it; a
service that writes without an audit event fails and its transaction is rolled back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")

# How many audit events this thread/context has recorded; record_event() increments it.
audit_events_recorded: ContextVar[int] = ContextVar("audit_events_recorded", default=0)

SERVICE_REGISTRY: dict[str, Callable[..., object]] = {}

# Set by nothing_written() when a service legitimately wrote nothing (an idempotent replay).
_nothing_written: ContextVar[bool] = ContextVar("nothing_written", default=False)


def nothing_written() -> None:
    """Declare that this service call wrote nothing (e.g. it replayed an idempotent request),
    so it needs no audit event."""
    _nothing_written.set(True)


class AuditMissingError(RuntimeError):
    """A service finished without recording an audit event."""


def service(func: Callable[P, R]) -> Callable[P, R]:
    """Wrap a write: one transaction, and an audit event is required before it commits."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            before = audit_events_recorded.get()
            token = _nothing_written.set(False)
            try:
                result = func(*args, **kwargs)
                noop = _nothing_written.get()
            finally:
                _nothing_written.reset(token)
            if audit_events_recorded.get() == before and not noop:
                raise AuditMissingError(
                    f"{func.__module__}.{func.__qualname__} wrote without an audit event"
                )
            return result

    wrapper.is_service = True  # type: ignore[attr-defined]
    SERVICE_REGISTRY[f"{func.__module__}.{func.__qualname__}"] = wrapper
    return wrapper
