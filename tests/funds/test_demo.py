"""The demo funds carry the seeds' figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

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


def test_demo_applications_in_every_state() -> None:
    from kompetensfond.applications.models import Application, Decision
    from kompetensfond.demo.applications import SPREAD, build_applications
    from kompetensfond.demo.plans import build_guideline, build_plan

    spec = next(s for s in SPECS if s.slug == "stockholm")
    demo = build_municipality(spec)
    fund = build_funds(demo)
    build_guideline(demo, fund, build_plan(demo))
    assert build_applications(demo, fund) == len(SPREAD)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "in_review", "returned", "recommended",
                        "granted", "rejected", "withdrawn"}
    assert Decision.objects.filter(delegate__isnull=False).count() == 1
    assert Decision.objects.filter(paragraph__isnull=False).count() == 2


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
    from kompetensfond.demo.applications import build_applications

    spec = next(s for s in SPECS if s.slug == "botkyrka")
    demo = build_municipality(spec)
    fund = build_funds(demo)
    assert build_applications(demo, fund) == 9
    granted = Application.objects.filter(status="granted")
    assert granted.count() == 2
    # all of Botkyrka's money is in frames: the grants come from the education frame
    assert {a.earmark.name for a in granted} == {"Ram utbildning"}
    assert all(a.decision.decided_on <= fund.end_date for a in granted)
