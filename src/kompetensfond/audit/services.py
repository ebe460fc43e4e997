"""``record_event``: the one way to write the audit trail. Called by every service."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.context import request_id_var
from kompetensfond.core.models import Municipality
from kompetensfond.core.response_cache import data_changed
from kompetensfond.core.services import audit_events_recorded

from .models import AuditEvent


class AuditOutsideTransactionError(RuntimeError):
    pass


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Values of ``fields`` of ``obj`` (foreign keys as ids), for before/after diffs."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _jsonable(getattr(obj, attname))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields that changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _municipality_of_obj(obj: models.Model) -> Municipality | None:
    if isinstance(obj, Municipality):
        return obj
    municipality = getattr(obj, "municipality", None)
    return municipality if isinstance(municipality, Municipality) else None


def record_event(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    municipality: Municipality | None = None,
) -> AuditEvent:
    """Write one audit event. Must run inside the service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransactionError("record_event must be called inside a transaction")
    event = AuditEvent.objects.create(
        municipality=municipality or _municipality_of_obj(obj),
        actor=user_or_none(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
        request_id=request_id_var.get(),
    )
    audit_events_recorded.set(audit_events_recorded.get() + 1)
    if not action.endswith("_read"):  # a write: the municipality's cached pages are stale
        data_changed(event.municipality_id)
    return event
