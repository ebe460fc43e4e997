"""Demo applications in every state, through the real services, in every demo fund."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kompetensfond.applications.models import Outcome
from kompetensfond.applications.services import (
    Line,
    agenda_item_add,
    application_create,
    application_recommend,
    application_return,
    application_submit,
    application_withdraw,
    conflict_declare,
    criterion_create,
    decision_record_at_meeting,
    decision_record_delegated,
    meeting_create,
    review_submit,
    reviewers_assign,
)
from kompetensfond.core.models import Role
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.ledger.selectors import fund_dashboard
from kompetensfond.organisation.models import Occupation, OrgUnit
from kompetensfond.plans.models import Plan
from kompetensfond.plans.selectors import guideline_of

from .current import DemoApplication
from .funds import at_noon
from .organisation import DemoMunicipality

FINAL_STATES = {"granted", "delegated", "rejected", "withdrawn"}


def _needed(spread: list[DemoApplication]) -> Decimal:
    return sum((Decimal(a.amount) for a in spread if a.state in {"granted", "delegated"}),
               Decimal(0))


def _earmark_for(fund: Fund, unit: OrgUnit, needed: Decimal) -> Earmark | None:
    """None when the fund has enough unearmarked money; else the earmark open to the
    unit's administration with the most money left (Botkyrka's frames, Örebro's pots)."""
    board = fund_dashboard(fund, today=fund.end_date)
    if board.balance.unearmarked >= needed:
        return None
    root = int(unit.path.strip("/").split("/")[0])
    candidates = [e for e in fund.earmarks.all()
                  if e.administration_id in (None, root)
                  and board.earmarks.get(e.pk) and board.earmarks[e.pk].available >= needed]
    return max(candidates, key=lambda e: board.earmarks[e.pk].available, default=None)


def build_applications(demo: DemoMunicipality, fund: Fund, spread: list[DemoApplication],
                       plan: Plan | None = None) -> int:
    """The ``spread`` of applications, each left in its state. For a fund in use they are
    decided today (and the meeting's § taken today); for a fund whose period is over, only
    the decided ones, a month before its end (built before its guidelines, whose rounds
    are long closed). They were applied for a month before the meeting that decided them,
    a week before that day. The application proposed for decision is put on the agenda of
    the body's next meeting, in two weeks."""
    today = timezone.localdate()
    running = fund.start_date <= today <= fund.end_date
    on = today if running else fund.end_date - timedelta(days=30)
    if not running:
        spread = [a for a in spread if a.state in FINAL_STATES]
    manager = demo.users[Role.UNIT_MANAGER]
    officer = demo.users[Role.FUND_ADMIN]
    secretary = demo.users[Role.SECRETARY]
    reviewer = demo.users[Role.REVIEWER]
    criteria = [criterion_create(actor=officer, fund=fund, name=name, weight=weight)
                for name, weight in (("Koppling till strategierna", 3), ("Bristyrke", 2),
                                     ("Jämställdhet", 1), ("Kostnad per deltagare", 2))]
    applied = max(on - timedelta(days=37), fund.start_date)
    meeting_on = max(on - timedelta(days=7), applied)
    guideline = guideline_of(fund)
    strategies = {s.code: s for s in plan.strategies.all()} if plan else {}
    occupations = {o.ssyk_code: o for o in Occupation.objects.filter(
        ssyk_code__in={c for a in spread for c in a.occupations})}
    earmark = None if running else _earmark_for(fund, demo.units[spread[0].unit],
                                                _needed(spread))
    for n, demo_application in enumerate(spread, start=1):
        title, state = demo_application.title, demo_application.state
        amount = Decimal(demo_application.amount)
        application = application_create(
            actor=manager, fund=fund, unit=demo.units[demo_application.unit], title=title,
            purpose=demo_application.purpose, participants_women=6 + n,
            participants_men=1 + n % 3,
            cofunding=(amount * Decimal("0.15")).quantize(Decimal("1000")), earmark=earmark,
            # an earmark for some occupations or strategies funds only applications for them
            occupations=(earmark.occupations.all() if earmark else
                         [occupations[c] for c in demo_application.occupations]),
            strategies=(earmark.strategies.all() if earmark else
                        [strategies[c] for c in demo_application.strategies
                         if c in strategies]),
            lines=[Line("course_fee", on.year, amount)], at=applied)
        if state == "draft":
            continue
        application_submit(actor=manager, application=application, at=at_noon(applied))
        if state == "submitted":
            continue
        if state == "withdrawn":
            application_withdraw(actor=manager, application=application,
                                 reason="Kursen ställdes in av utbildaren.")
            continue
        reviewers_assign(actor=officer, application=application, reviewers=[reviewer])
        review = application.reviews.get()
        conflict_declare(actor=reviewer, review=review, conflict=False)
        if state == "in_review":
            continue
        review_submit(actor=reviewer, review=review,
                      scores={c.pk: (None if c.name == "Bristyrke" and n % 2 else 2 + n % 4)
                              for c in criteria}, comment="Bedömd enligt kriterierna.")
        if state == "returned":
            application_return(actor=officer, application=application,
                               reason="Bifoga utbildningsanordnarens kursplan.")
            continue
        outcome = Outcome.REJECTED if state == "rejected" else Outcome.GRANTED
        application_recommend(actor=officer, application=application, outcome=outcome,
                              amount=None, reason="Saknar koppling till strategierna."
                              if outcome == Outcome.REJECTED else "Bygger på planen.")
        if state == "recommended":
            if running:
                meeting = meeting_create(actor=secretary, body=fund.owning_body,
                                         on=today + timedelta(days=14))
                agenda_item_add(actor=secretary, meeting=meeting, application=application)
            continue
        if state == "delegated" and guideline is not None and guideline.delegations.exists():
            decision_record_delegated(actor=officer, application=application, on=on,
                                      outcome=Outcome.GRANTED, case_number=f"{on.year}/{n}")
        else:
            decision_record_at_meeting(actor=secretary, application=application, on=meeting_on,
                                       outcome=outcome, case_number=f"{on.year}/{100 + n}",
                                       reason="" if outcome == Outcome.GRANTED
                                       else "Saknar koppling till kompetensförsörjningsplanen.")
    return len(spread)
