"""Reports read from a read replica when one is configured (``DATABASE_REPLICA_URL``).

A report page or report API marks its reads with ``reads_from_replica`` (views) or
``ReplicaReportsMixin`` (API views); ``ReportReplicaRouter`` then sends them to the
``replica`` alias. Everything else, every write, the login and the session stay on the
primary (``default``): the user is loaded before the mark is set, so a login a moment old is
never looked for on a replica that has not received it yet. Without a ``replica`` alias the
router does nothing. A replica lags the primary by its replication delay: a report may show
a decision a second late, never a wrong sum (each report reads one snapshot).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import wraps
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_report_reads: ContextVar[bool] = ContextVar("report_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def report_reads() -> Iterator[None]:
    """Within this block, reads go to the replica when one is configured."""
    token = _report_reads.set(True)
    try:
        yield
    finally:
        _report_reads.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A report view whose reads may come from the replica."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - the lazy user and session, from the primary
        with report_reads():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaReportsMixin:
    """For a report API view: authentication and permissions on the primary, then the
    report's reads from the replica until the response is finalised."""

    _replica_token: Token[bool] | None = None

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._replica_token = _report_reads.set(True)

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        if self._replica_token is not None:
            _report_reads.reset(self._replica_token)
            self._replica_token = None
        return super().finalize_response(request, response, *args,  # type: ignore[misc]
                                         **kwargs)


class ReportReplicaRouter:
    """``DATABASE_ROUTERS``: marked report reads to ``replica`` when it exists."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _report_reads.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # the replica holds the primary's rows: an object read there may be linked to one
        # from the primary
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
