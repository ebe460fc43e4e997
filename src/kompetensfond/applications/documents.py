"""PDF documents (WeasyPrint): the minutes extract (protokollsutdrag) of a decision and the
decision basis (beslutsunderlag) of a meeting. Always in Swedish, amounts in Swedish format."""

from __future__ import annotations

from typing import Any

from kompetensfond.core.pdf import render_pdf as _pdf

from .models import Decision, Meeting


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
