"""The daily run of the allowance schemes (``kompetensfond allowances-daily``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kompetensfond.core.actors import Actor
from kompetensfond.core.errors import ConflictError

from .models import AllowanceScheme, SchemeStatus
from .rules import ZERO
from .services import scheme_expire, scheme_update_from_register


def schemes_daily(actor: Actor, on: date | None = None) -> dict[str, Any]:
    """The daily run: every active scheme updated from the register (new hires who have
    started, leavers whose employment has ended) and, after its last day for claims,
    expired. Idempotent: a second run the same day changes nothing. A scheme that cannot
    be updated (the fund cannot cover new hires) is reported and the others go on."""
    on = on or timezone.localdate()
    out: dict[str, Any] = {"updated": 0, "expired": 0, "released": ZERO, "errors": []}
    for scheme in AllowanceScheme.objects.filter(status=SchemeStatus.ACTIVE).order_by("pk"):
        try:
            with transaction.atomic():
                if on > scheme.expiry_date:
                    out["released"] += scheme_expire(actor=actor, scheme=scheme, on=on)
                    out["expired"] += 1
                else:
                    update = scheme_update_from_register(actor=actor, scheme=scheme, on=on)
                    out["updated"] += bool(update.added or update.forfeited)
        except ConflictError as exc:
            out["errors"].append(f"{scheme.name}: {exc.message}")
    return out
