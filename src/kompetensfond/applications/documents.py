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
        "selections": selections_for(agenda),
    })


def selections_for(agenda: list[Any]) -> list[dict[str, Any]]:
    """Per fund on the agenda, the optimiser's proposed selection among the assessed
    applications of the agenda (whole grants, the money each pot has): decision support
    beside the proposals, not a proposal of its own."""
    from .portfolio import propose
    from .selectors import portfolio_input

    funds: dict[int, Any] = {}
    titles: dict[int, str] = {}
    for item in agenda:
        funds[item.application.fund_id] = item.application.fund
        titles[item.application_id] = item.application.title
    out = []
    for fund in funds.values():
        candidates, rules, _labels, _applications = portfolio_input(fund, {})
        mine = [c for c in candidates if c.key in titles]
        proposal = propose(mine, rules, with_costs=False)
        out.append({"fund": fund, "assessed": len(mine), "proposal": proposal,
                    "grants": [(titles[key], amount) for key, amount in
                               sorted(proposal.grants.items(), key=lambda kv: titles[kv[0]])]})
    return out
