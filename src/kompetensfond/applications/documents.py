"""PDF documents (WeasyPrint): the minutes extract (protokollsutdrag) of a decision and the
decision basis (beslutsunderlag) of a meeting. Always in Swedish, amounts in Swedish format."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from kompetensfond.core.i18n import record_language

from .models import Decision, Meeting


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    import weasyprint  # imported here: loading pango costs a second at start-up

    with record_language():
        html = render_to_string(template, {**context, "printed": timezone.localdate()})
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def minutes_extract_pdf(decision: Decision) -> bytes:
    application = decision.application
    return _pdf("applications/pdf/minutes_extract.html", {
        "decision": decision, "application": application,
        "municipality": application.municipality,
        "requested": sum((b.amount for b in application.budget_lines.all()), 0),
    })


def decision_basis_pdf(meeting: Meeting, agenda: list[Any]) -> bytes:
    return _pdf("applications/pdf/decision_basis.html", {
        "meeting": meeting, "municipality": meeting.body.municipality, "agenda": agenda,
    })
