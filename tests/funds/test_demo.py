"""The demo funds carry the seeds' figures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kompetensfond.demo.funds import build_funds
from kompetensfond.demo.organisation import SPECS, build_municipality
from kompetensfond.ledger.selectors import fund_balance, fund_dashboard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]
MSEK = Decimal(1_000_000)


def build(slug: str):  # type: ignore[no-untyped-def]
    spec = next(s for s in SPECS if s.slug == slug)
    return build_funds(build_municipality(spec))


def test_sodertalje_100_plus_50_msek_until_2021() -> None:
    fund = build("sodertalje")
    contributions = list(fund.contributions.order_by("date"))
    assert [c.amount for c in contributions] == [100 * MSEK, 50 * MSEK]
    assert contributions[0].decision_body.short_name == "KS"
    assert contributions[0].decision_date.isoformat() == "2018-04-06"
    assert contributions[1].decision_body.short_name == "KF"
    assert contributions[1].decision_date.strftime("%Y-%m") == "2019-05"
    assert fund.end_date.isoformat() == "2021-12-31"
    assert fund_balance(fund).capital == 150 * MSEK


def test_botkyrka_frames_per_administration() -> None:
    fund = build("botkyrka")
    board = fund_dashboard(fund, today=fund.end_date)
    frames = {e.name: board.earmarks[e.pk].total for e in fund.earmarks.all()}
    assert frames["Ram utbildning"] == Decimal("6200000.00")
    assert frames["Ram vård och omsorg"] == Decimal("3100000.00")
    assert sum(v for k, v in frames.items()
               if k in {"Ram social", "Ram kultur och fritid", "Ram kommunledning"}) == (
        Decimal("700000.00"))
    assert all(e.administration is not None for e in fund.earmarks.all())
    assert board.balance.capital == 10 * MSEK


def test_orebro_afa_refund_with_4_msek_leadership() -> None:
    fund = build("orebro")
    assert fund.contributions.get().source == "afa_refund"
    board = fund_dashboard(fund, today=fund.end_date)
    frames = {e.name: board.earmarks[e.pk].total for e in fund.earmarks.all()}
    assert frames == {"Ledarskapsprogram": 4 * MSEK,
                      "Pedagoger och fler yrkesgrupper": 6 * MSEK}


def test_stockholm_social_services_got_under_a_quarter_mostly_central() -> None:
    from kompetensfond.ledger.selectors import transaction_list

    fund = build("stockholm")
    grants = {t.text: (t.org_unit, t.amount)
              for t in transaction_list(fund, kind="commitment")}
    central = sum(a for u, a in grants.values() if u is not None and (
        u.name == "Socialförvaltningen" or (u.parent and u.parent.name == "Socialförvaltningen")))
    district = sum(a for u, a in grants.values()
                   if u is not None and u.name.startswith("Socialtjänst"))
    total = sum(a for _u, a in grants.values())
    assert central + district < total / 4
    assert central > district
    assert fund_balance(fund).capital == 150 * MSEK
    # the report "central projects and units" answers the minority's question by itself
    from kompetensfond.funds.models import Fund
    from kompetensfond.reports.selectors import central_and_units

    report = central_and_units(Fund.objects.filter(pk=fund.pk))
    social = next(r for r in report.sectors if r.label == "Socialtjänst")
    assert social.total < report.granted / 4
    assert social.central > social.units > 0
    assert report.organisation_wide > report.granted / 2


def test_demo_plans_and_guidelines() -> None:
    from kompetensfond.demo.plans import build_guideline, build_plan
    from kompetensfond.plans.models import PlanStatus
    from kompetensfond.plans.selectors import guideline_of

    spec = next(s for s in SPECS if s.slug == "sodertalje")
    demo = build_municipality(spec)
    fund = build_funds(demo)
    plan = build_plan(demo)
    build_guideline(demo, fund, plan)
    assert plan.status == PlanStatus.ADOPTED
    assert plan.adopted_by.short_name == "PU"
    assert {s.code for s in plan.strategies.all()} == {"S1", "S2", "S3", "S4", "S5"}
    assert "5321" in {o.ssyk_code for o in plan.shortage_occupations.all()}
    guideline = guideline_of(fund)
    assert guideline.plan == plan
    # spring and autumn 2018–2021 within the fund's period (from 2018-04-06: no spring 2018)
    assert guideline.rounds.count() == 7


def demo_of(slug: str):  # type: ignore[no-untyped-def]
    from kompetensfond.demo.funds import build_demo_funds

    demo = build_municipality(next(s for s in SPECS if s.slug == slug))
    return demo, build_demo_funds(demo)


def test_demo_applications_in_every_state() -> None:
    from kompetensfond.applications.models import Application, Decision

    _demo, [fund] = demo_of("stockholm")
    statuses = set(Application.objects.filter(fund=fund).values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "in_review", "returned", "recommended",
                        "granted", "in_progress", "rejected", "withdrawn"}
    assert Decision.objects.filter(delegate__isnull=False).count() == 1
    assert Decision.objects.filter(paragraph__isnull=False).count() == 2
    # the proposal waits on the agenda of the body's next meeting
    recommended = Application.objects.get(fund=fund, status="recommended")
    item = recommended.agenda_items.get()
    assert item.meeting.date == timezone.localdate() + timedelta(days=14)


@pytest.mark.parametrize("slug", [s.slug for s in SPECS])
def test_every_demo_municipality_runs_a_fund_today(slug) -> None:
    """A newcomer can apply today: the current fund's period, its plan, its guideline and
    an open round cover today; funds whose period is over are closed history."""
    from kompetensfond.applications.models import Application
    from kompetensfond.plans.selectors import guideline_of

    _demo, funds = demo_of(slug)
    today = timezone.localdate()
    current = funds[0]
    assert current.is_open
    assert current.start_date <= today <= current.end_date
    guideline = guideline_of(current)
    assert guideline.plan.valid_from <= today <= guideline.plan.valid_to
    assert guideline.plan.strategies.count() >= 3
    now = timezone.now()
    assert guideline.rounds.filter(opens_at__lte=now, closes_at__gt=now).exists()
    for history in funds[1:]:
        assert not history.is_open
        assert history.end_date < today
        assert set(Application.objects.filter(fund=history).values_list(
            "status", flat=True)) <= {"closed", "rejected", "withdrawn"}
    # every application of the current fund is linked to the plan and to fitting occupations
    for application in Application.objects.filter(fund=current).exclude(status="draft"):
        assert application.strategies.exists()


def test_demo_applications_differ_between_municipalities_and_fit_their_units() -> None:
    from kompetensfond.applications.models import Application

    titles = {}
    for slug in ("sodertalje", "botkyrka"):
        _demo, [current, _history] = demo_of(slug)
        titles[slug] = set(Application.objects.filter(fund=current)
                           .values_list("title", flat=True))
        for application in Application.objects.filter(fund=current, unit__name__icontains=
                                                      "förskol"):
            codes = {o.ssyk_code for o in application.occupations.all()}
            assert codes <= {"2343", "5311", "1422"}
    assert len(titles["sodertalje"] & titles["botkyrka"]) <= 1


def test_demo_staff_of_a_preschool_are_preschool_staff() -> None:
    from collections import Counter

    from kompetensfond.demo.staff import build_staff
    from kompetensfond.organisation.models import Employee

    demo = build_municipality(next(s for s in SPECS if s.slug == "stockholm"))
    build_staff(demo.municipality, count=800)
    codes = Counter(Employee.objects.filter(unit__name="Förskola")
                    .values_list("occupation__ssyk_code", flat=True))
    assert codes
    assert set(codes) <= {"2343", "5311", "1422", "5120", "2351"}
    assert "2661" not in set(Employee.objects.filter(unit__name="Äldreomsorg")
                             .values_list("occupation__ssyk_code", flat=True))


def test_sodertalje_seed_grants_are_decided_applications() -> None:
    from kompetensfond.applications.models import Decision

    fund = build("sodertalje")
    decisions = list(Decision.objects.filter(application__fund=fund)
                     .order_by("decided_on").select_related("application"))
    assert [d.application.title for d in decisions] == [
        "Vård- och omsorgsutbildning på arbetstid", "Traineeprogram för nya socialsekreterare",
        "Utbildning om psykoser"]
    # KS used § 58 of 2018 for the contribution; its later decisions follow in the register
    assert [(d.decided_on.year, d.paragraph) for d in decisions] == [(2018, 59), (2018, 60),
                                                                     (2019, 1)]
    assert all(d.case_number.startswith("KS ") for d in decisions)
    assert fund_dashboard(fund, today=fund.end_date).balance.disbursed >= Decimal("7450000.00")


def test_demo_applications_in_a_closed_period_use_the_frames() -> None:
    from kompetensfond.applications.models import Application

    _demo, [current, history] = demo_of("botkyrka")
    granted = Application.objects.filter(fund=history, status="closed")  # paid, reported
    assert granted.count() == 2
    # all of Botkyrka's money is in frames: the grants come from the education frame
    assert {a.earmark.name for a in granted} == {"Ram utbildning"}
    assert all(a.decision.decided_on <= history.end_date for a in granted)
    # today's fund has frames too, and a preschool's grant draws from education's
    current_grants = Application.objects.filter(fund=current,
                                                status__in=("granted", "in_progress"))
    assert {a.earmark.name for a in current_grants} == {"Ram utbildning"}
    assert all(a.decision.decided_on <= timezone.localdate() for a in current_grants)


def test_a_newcomer_carries_an_application_to_a_decision_today() -> None:
    """From a fresh demo, without creating anything first: the unit manager applies today,
    the case officer has it reviewed and proposes, the body decides today with a §."""
    from kompetensfond.applications.models import Outcome
    from kompetensfond.applications.services import (
        Line,
        application_create,
        application_recommend,
        application_submit,
        conflict_declare,
        decision_record_at_meeting,
        review_submit,
        reviewers_assign,
    )
    from kompetensfond.core.models import Role

    demo, [current, _history] = demo_of("orebro")
    manager, officer = demo.users[Role.UNIT_MANAGER], demo.users[Role.FUND_ADMIN]
    reviewer, secretary = demo.users[Role.REVIEWER], demo.users[Role.SECRETARY]
    strategy = current.guideline.plan.strategies.get(code="O2")
    application = application_create(
        actor=manager, fund=current, unit=demo.units["Grundskolor Norr"],
        title="Matematiklyftet", purpose="Lärare i årskurs 4–6.", participants_women=9,
        participants_men=3, cofunding="20000.00", strategies=[strategy],
        lines=[Line("course_fee", timezone.localdate().year, "120000.00")])
    application_submit(actor=manager, application=application)
    [review] = reviewers_assign(actor=officer, application=application, reviewers=[reviewer])
    conflict_declare(actor=reviewer, review=review, conflict=False)
    review_submit(actor=reviewer, review=review,
                  scores={c.pk: 4 for c in current.criteria.all()}, comment="Bra koppling.")
    application_recommend(actor=officer, application=application, outcome=Outcome.GRANTED,
                          amount=None, reason="Bygger på strategi O2.")
    decision = decision_record_at_meeting(actor=secretary, application=application,
                                          on=timezone.localdate(), outcome=Outcome.GRANTED)
    assert decision.decided_on == timezone.localdate()
    assert decision.paragraph is not None
    application.refresh_from_db()
    assert application.status == "granted"


def test_a_closed_funds_grants_are_paid_reported_and_closed() -> None:
    from kompetensfond.applications.models import Application
    from kompetensfond.followup.models import FollowUp, Qualification

    _demo, [current, history] = demo_of("botkyrka")
    closed = Application.objects.filter(fund=history, status="closed")
    assert closed.count() == 2
    assert not FollowUp.objects.filter(application__fund=history).exclude(
        status="accepted").exists()
    # Botkyrka's childminders became preschool teachers
    assert Qualification.objects.filter(follow_up__application__fund=history,
                                        occupation_from__ssyk_code="5311",
                                        occupation_to__ssyk_code="2343").exists()
    board = fund_dashboard(history, today=history.end_date)
    assert board.balance.committed == 0  # nothing is left hanging in a closed fund
    # today's fund: its first grant has its first payment, the rest are granted
    assert Application.objects.filter(fund=current, status="in_progress").count() == 1
