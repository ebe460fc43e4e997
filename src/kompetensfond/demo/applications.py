"""Demo applications in every state, through the real services, for a fund whose period
and application round are open today (Stockholm's city fund in the demo)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kompetensfond.applications.models import Status
from kompetensfond.applications.services import (
    Line,
    application_create,
    application_recommend,
    application_return,
    application_submit,
    application_withdraw,
    conflict_declare,
    criterion_create,
    decision_record,
    decision_record_delegated,
    meeting_create,
    review_submit,
    reviewers_assign,
)
from kompetensfond.core.models import Role
from kompetensfond.funds.models import Fund

from .organisation import DemoMunicipality

# (title, unit, amount, state to leave it in)
SPREAD = [
    ("Handledning i barnutredningar, vår", "Socialtjänst barn och unga", "180000.00", "draft"),
    ("Motiverande samtal för socialsekreterare", "Socialtjänst vuxen", "240000.00",
     "submitted"),
    ("Undersköterskeutbildning på arbetstid", "Äldreomsorg", "420000.00", "in_review"),
    ("Språkutveckling i förskolan", "Förskola", "150000.00", "returned"),
    ("Traumamedveten omsorg", "Socialtjänst barn och unga", "320000.00", "recommended"),
    ("Barnskötare till förskollärare", "Förskola", "450000.00", "granted"),
    ("Utbildning i samtal med barn", "Socialtjänst barn och unga", "95000.00", "delegated"),
    ("Konferensresa utan koppling till planen", "Socialtjänst vuxen", "60000.00",
     "rejected"),
    ("Kurs som ställdes in", "Äldreomsorg", "40000.00", "withdrawn"),
]


def build_applications(demo: DemoMunicipality, fund: Fund | None) -> int:
    if fund is None or not fund.start_date <= timezone.localdate() <= fund.end_date:
        return 0
    manager = demo.users[Role.UNIT_MANAGER]
    officer = demo.users[Role.FUND_ADMIN]
    secretary = demo.users[Role.SECRETARY]
    year = timezone.localdate().year
    reviewer = demo.users[Role.REVIEWER]
    criteria = [criterion_create(actor=officer, fund=fund, name=name, weight=weight)
                for name, weight in (("Koppling till strategierna", 3), ("Bristyrke", 2),
                                     ("Jämställdhet", 1), ("Kostnad per deltagare", 2))]
    meeting = meeting_create(actor=secretary, body=fund.owning_body,
                             on=timezone.localdate() - timedelta(days=7))
    for n, (title, unit_name, amount, state) in enumerate(SPREAD, start=1):
        application = application_create(
            actor=manager, fund=fund, unit=demo.units[unit_name], title=title,
            purpose="Kompetensutveckling enligt enhetens plan.", participants_women=6 + n,
            participants_men=2, cofunding="25000.00",
            lines=[Line("course_fee", year, amount)])
        if state == "draft":
            continue
        application_submit(actor=manager, application=application)
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
        outcome = Status.REJECTED if state == "rejected" else Status.GRANTED
        application_recommend(actor=officer, application=application, outcome=outcome,
                              amount=None, reason="Saknar koppling till strategierna."
                              if outcome == Status.REJECTED else "Bygger på planen.")
        if state == "recommended":
            continue
        if state == "delegated":
            decision_record_delegated(actor=officer, application=application,
                                      outcome=Status.GRANTED, case_number=f"SDN {year}/{n}")
        else:
            decision_record(actor=secretary, application=application, meeting=meeting,
                            outcome=outcome, case_number=f"KS {year}/{100 + n}",
                            reason="" if outcome == Status.GRANTED
                            else "Saknar koppling till kompetensförsörjningsplanen.")
    return len(SPREAD)
