"""Plans, strategies, targets and guidelines: services, refusals, replacement, tenancy."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.organisation.models import Occupation
from kompetensfond.plans.checks import ApplicationData, BudgetLine, guideline_check
from kompetensfond.plans.models import (
    ApplicationRound,
    DelegationRule,
    Guideline,
    Plan,
    PlanStatus,
    Strategy,
    Target,
)
from kompetensfond.plans.selectors import rules_of, target_progress
from kompetensfond.plans.services import (
    delegation_rule_create,
    guideline_save,
    plan_adopt,
    plan_create,
    plan_new_version,
    plan_set_shortage_occupations,
    round_create,
    strategy_create,
    target_create,
)
from tests.factories import BodyFactory, fund_with_capital, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]
STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def pu(municipality):
    return BodyFactory(municipality=municipality, name="Personalutskottet")


@pytest.fixture
def plan(municipality, fund_admin):
    return plan_create(actor=fund_admin, municipality=municipality,
                       title="Kompetensförsörjningsplan 2018–2021",
                       valid_from=date(2018, 1, 1), valid_to=date(2021, 12, 31))


def occ(code: str) -> Occupation:
    return Occupation.objects.get(ssyk_code=code)


def test_plan_with_strategies_targets_and_adoption(plan, fund_admin, pu) -> None:
    s1 = strategy_create(actor=fund_admin, plan=plan, code="S1", title="Nya roller")
    target = target_create(actor=fund_admin, strategy=s1, kind="qualified",
                           description="30 barnskötare blir förskollärare", count=30,
                           due_date=date(2021, 12, 31), occupation_from=occ("5311"),
                           occupation_to=occ("2343"))
    plan_set_shortage_occupations(actor=fund_admin, plan=plan, occupations=[occ("2343")])
    adopted = plan_adopt(actor=fund_admin, plan=plan, adopted_by=pu,
                         adopted_on=date(2018, 3, 1), paragraph=14, case_number="PU 2018/3")
    assert adopted.status == PlanStatus.ADOPTED
    assert adopted.decision_reference == "Personalutskottet 2018-03-01 §\xa014, dnr PU 2018/3"
    assert target_progress(adopted)[s1.pk][0].target == target
    assert target_progress(adopted)[s1.pk][0].reached == 0
    assert AuditEvent.objects.filter(action="plan.adopted").exists()
    with pytest.raises(ConflictError):  # an adopted plan is not edited
        strategy_create(actor=fund_admin, plan=adopted, code="S2", title="X")


def test_a_plan_without_strategies_is_not_adopted(plan, fund_admin, pu) -> None:
    with pytest.raises(ConflictError):
        plan_adopt(actor=fund_admin, plan=plan, adopted_by=pu, adopted_on=date(2018, 3, 1),
                   paragraph=1)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_new_version_replaces_the_old_plan_and_keeps_its_links(plan, fund_admin, pu,
                                                               municipality) -> None:
    s1 = strategy_create(actor=fund_admin, plan=plan, code="S1", title="Nya roller")
    target_create(actor=fund_admin, strategy=s1, kind="participants", description="40 chefer",
                  count=40, due_date=date(2020, 1, 1))
    plan_adopt(actor=fund_admin, plan=plan, adopted_by=pu, adopted_on=date(2018, 3, 1),
               paragraph=14)
    fund = fund_with_capital(municipality, "1000.00")
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=plan,
                               eligible_cost_types=["course_fee"])

    draft = plan_new_version(actor=fund_admin, plan=plan, title="Plan 2022–2025",
                             valid_from=date(2022, 1, 1), valid_to=date(2025, 12, 31))
    copy = draft.strategies.get()
    assert copy.continues == s1
    assert copy.targets.get().count == 40
    strategy_create(actor=fund_admin, plan=draft, code="S2", title="Ny strategi")
    plan_adopt(actor=fund_admin, plan=draft, adopted_by=pu, adopted_on=date(2022, 2, 1),
               paragraph=9)
    plan.refresh_from_db()
    draft.refresh_from_db()
    assert plan.status == PlanStatus.REPLACED
    assert draft.replaces == plan
    assert Plan.objects.filter(municipality=municipality, status=PlanStatus.ADOPTED).count() == 1
    # what was linked to the old plan stays linked to it
    guideline.refresh_from_db()
    assert guideline.plan == plan
    assert Strategy.objects.filter(pk=s1.pk, plan=plan).exists()
    assert rules_of(guideline).plan_strategy_ids == {s1.pk}


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"count": 0}, "count"),
    ({"count": -3}, "count"),
    ({"due_date": date(2017, 12, 31)}, "due_date"),
    ({"kind": "qualified"}, "occupation_to"),
    ({"description": "  "}, "description"),
])
def test_bad_targets_are_refused(plan, fund_admin, kwargs, field) -> None:
    strategy = strategy_create(actor=fund_admin, plan=plan, code="S1", title="X")
    values = {"kind": "participants", "description": "40 chefer", "count": 40,
              "due_date": date(2020, 1, 1), **kwargs}
    with pytest.raises(ValidationError) as exc:
        target_create(actor=fund_admin, strategy=strategy, **values)
    assert field in exc.value.fields
    assert not Target.objects.exists()


def test_bad_plans_and_duplicate_strategies(municipality, fund_admin, plan) -> None:
    with pytest.raises(ValidationError):
        plan_create(actor=fund_admin, municipality=municipality, title="X",
                    valid_from=date(2020, 1, 1), valid_to=date(2019, 1, 1))
    strategy_create(actor=fund_admin, plan=plan, code="S1", title="X")
    with pytest.raises(ConflictError):
        strategy_create(actor=fund_admin, plan=plan, code="S1", title="Y")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"max_per_application": Decimal("-1.00")}, "max_per_application"),
    ({"max_per_participant": Decimal("-0.01")}, "max_per_participant"),
    ({"min_cofunding_percent": Decimal("100.01")}, "min_cofunding_percent"),
    ({"min_cofunding_percent": Decimal("-1")}, "min_cofunding_percent"),
    ({"eligible_cost_types": []}, "eligible_cost_types"),
    ({"eligible_cost_types": ["party"]}, "eligible_cost_types"),
])
def test_bad_guidelines_are_refused_and_write_nothing(municipality, fund_admin, kwargs,
                                                      field) -> None:
    fund = fund_with_capital(municipality, "1000.00")
    values = {"plan": None, "eligible_cost_types": ["course_fee"], **kwargs}
    with pytest.raises(ValidationError) as exc:
        guideline_save(actor=fund_admin, fund=fund, **values)
    assert field in exc.value.fields
    assert not Guideline.objects.exists()


def test_guideline_update_is_audited_with_changes(municipality, fund_admin) -> None:
    fund = fund_with_capital(municipality, "1000.00")
    guideline_save(actor=fund_admin, fund=fund, plan=None, eligible_cost_types=["course_fee"])
    guideline_save(actor=fund_admin, fund=fund, plan=None, eligible_cost_types=["course_fee"],
                   max_per_application=Decimal("500.00"), min_cofunding_percent="25")
    event = AuditEvent.objects.filter(action="guideline.updated").get()
    assert event.changes["max_per_application"] == [None, "500.00"]
    assert Guideline.objects.get().min_cofunding_percent == Decimal("25.00")


def test_rounds_refuse_backwards_and_overlapping(municipality, fund_admin) -> None:
    fund = fund_with_capital(municipality, "1000.00")
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=None,
                               eligible_cost_types=["course_fee"], requires_strategy=False)
    opens = datetime(2025, 3, 1, 8, 0, tzinfo=STHLM)
    closes = datetime(2025, 3, 31, 23, 59, tzinfo=STHLM)
    with pytest.raises(ValidationError) as exc:
        round_create(actor=fund_admin, guideline=guideline, name="Bakvänd", opens_at=closes,
                     closes_at=opens)
    assert "closes_at" in exc.value.fields
    round_create(actor=fund_admin, guideline=guideline, name="Våren", opens_at=opens,
                 closes_at=closes)
    with pytest.raises(ConflictError):
        round_create(actor=fund_admin, guideline=guideline, name="Överlapp",
                     opens_at=datetime(2025, 3, 31, 12, 0, tzinfo=STHLM),
                     closes_at=datetime(2025, 4, 30, tzinfo=STHLM))
    assert ApplicationRound.objects.count() == 1
    # the stored round drives the check: open at 23:58 Swedish summer time, closed at 23:59
    rules = rules_of(Guideline.objects.get())
    app = ApplicationData(budget=[BudgetLine("course_fee", Decimal("10"))], participants=1)
    inside = ApplicationData(**{**app.__dict__, "at": datetime(2025, 3, 31, 23, 58,
                                                               tzinfo=STHLM)})
    after = ApplicationData(**{**app.__dict__, "at": closes})
    assert guideline_check(rules, inside) == []
    assert [f.code for f in guideline_check(rules, after)] == ["round_closed"]


def test_delegation_above_the_capital_is_a_warning(municipality, fund_admin) -> None:
    fund = fund_with_capital(municipality, "1000.00")
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=None,
                               eligible_cost_types=["course_fee"])
    rule, warnings = delegation_rule_create(
        actor=fund_admin, guideline=guideline, body=fund.owning_body,
        max_amount=Decimal("5000.00"), delegation_point="4.3", delegate_role=Role.FUND_ADMIN)
    assert rule.pk
    assert warnings == ["Gränsen 5\xa0000,00\xa0kr är högre än fondens kapital på "
                        "1\xa0000,00\xa0kr."]
    with pytest.raises(ValidationError):
        delegation_rule_create(actor=fund_admin, guideline=guideline, body=fund.owning_body,
                               max_amount=Decimal("0"), delegation_point="4.4",
                               delegate_role=Role.FUND_ADMIN)
    with pytest.raises(ValidationError):
        delegation_rule_create(actor=fund_admin, guideline=guideline, body=fund.owning_body,
                               max_amount=Decimal("10"), delegation_point="4.4")
    assert DelegationRule.objects.count() == 1


def test_only_case_officers_of_the_municipality_change_plans(municipality, viewer,
                                                            other_municipality, plan) -> None:
    with pytest.raises(PermissionDenied):
        strategy_create(actor=viewer, plan=plan, code="S1", title="X")
    outsider = member(other_municipality, Role.FUND_ADMIN, username="utsocknes")
    with pytest.raises(PermissionDenied):
        strategy_create(actor=outsider, plan=plan, code="S1", title="X")
    assert not Strategy.objects.exists()


def test_another_municipalitys_plans_and_guidelines_do_not_exist(client, api_client, plan,
                                                                 other_municipality,
                                                                 municipality,
                                                                 fund_admin) -> None:
    fund = fund_with_capital(municipality, "1000.00")
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=plan,
                               eligible_cost_types=["course_fee"])
    outsider = member(other_municipality, Role.FUND_ADMIN, username="utsocknes")
    client.force_login(outsider)
    for url in [reverse("plans:detail", args=[plan.pk]),
                reverse("plans:strategy-create", args=[plan.pk]),
                reverse("plans:guideline", args=[fund.pk]),
                reverse("plans:guideline-edit", args=[fund.pk])]:
        assert client.get(url).status_code == 404, url
    assert plan.title not in client.get(reverse("plans:list")).content.decode()
    api_client.force_authenticate(outsider)
    assert api_client.get(reverse("plan-list")).json()["count"] == 0
    assert api_client.get(reverse("plan-strategies", args=[plan.pk])).status_code == 404
    assert api_client.get(reverse("guideline-detail", args=[guideline.pk])).status_code == 404
    assert api_client.post(reverse("guideline-check", args=[guideline.pk]), {},
                           format="json").status_code == 404
