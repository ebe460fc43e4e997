from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kompetensfond.core.permissions import can_view_audit_trail, check, municipality_of

from .models import AuditEvent


def audit_event_list(
    *,
    user: Any,
    action: str = "",
    object_type: str = "",
    actor_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The municipality's audit trail, newest first, filtered."""
    check(can_view_audit_trail(user))
    qs = AuditEvent.objects.filter(municipality=municipality_of(user)).select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs


def audit_action_choices(*, user: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(municipality=municipality_of(user))
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
