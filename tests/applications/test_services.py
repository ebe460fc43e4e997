"""Applications from draft to decision: every transition allowed and refused, guideline
errors block submission, decisions take the next § and commit the money."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from kompetensfond.applications.lifecycle import TRANSITIONS, allowed
from kompetensfond.applications.models import ApplicationEvent, Decision, Status
from kompetensfond.applications.selectors import application_list
from kompetensfond.applications.services import (
    GuidelineError,
    Line,
    application_create,
    application_recommend,
    application_return,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
    decision_record,
    decision_record_delegated,
    meeting_create,
)
from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.selectors import fund_balance, subject_balance
from kompetensfond.plans.services import (
    delegation_rule_create,
    guideline_save,
    plan_create,
    strategy_create,
)
from tests.factories import MunicipalityFactory, OrgUnitFactory, fund_with_capital, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


@pytest.fixture
def setup(municipality, fund_admin):
    fund = fund_with_capital(municipality, "1000000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))
    plan = plan_create(actor=fund_admin, municipality=municipality, title="Plan",
                       valid_from=date(2024, 1, 1), valid_to=date(2030, 12, 31))
    strategy = strategy_create(actor=fund_admin, plan=plan, code="S1", title="Nya roller")
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=plan,
                               eligible_cost_types=["course_fee", "salary_during_studies"],
                               max_per_application=Decimal("600000.00"))
    admin_unit = OrgUnitFactory(municipality=municipality, name="Äldreomsorgen")
    unit = OrgUnitFactory(municipality=municipality, parent=admin_unit, name="Hemtjänst Öst")
    manager = member(municipality, Role.UNIT_MANAGER, unit=admin_unit, username="chef")
    secretary = member(municipality, Role.SECRETARY, username="sara")
    return {"fund": fund, "strategy": strategy, "guideline": guideline, "unit": unit,
            "manager": manager, "secretary": secretary, "admin_unit": admin_unit}


def draft(s, amount: str = "400000.00", **overrides):  # type: ignore[no-untyped-def]
    values = {"title": "Undersköterskeutbildning", "purpose": "Behörighet",
              "participants_women": 14, "participants_men": 2,
              "lines": [Line("course_fee", 2025, amount)], "strategies": [s["strategy"]]}
    values.update(overrides)
    return application_create(actor=s["manager"], fund=s["fund"], unit=s["unit"], **values)


def decided(s, fund_admin, amount="400000.00"):  # type: ignore[no-untyped-def]
    application = draft(s, amount)
    application_submit(actor=s["manager"], application=application)
    application_recommend(actor=fund_admin, application=application, outcome=Status.GRANTED,
                          amount=None, reason="Bygger på S1")
    return application


def test_the_transition_table_matches_the_design() -> None:
    assert allowed("submit", Status.DRAFT)
    assert allowed("submit", Status.RETURNED)
    assert not allowed("submit", Status.SUBMITTED)
    assert allowed("decide", Status.RECOMMENDED, Status.PARTLY_GRANTED)
    assert not allowed("decide", Status.RECOMMENDED, Status.WITHDRAWN)
    assert not allowed("withdraw", Status.GRANTED)
    assert set(TRANSITIONS["withdraw"].sources) == {Status.DRAFT, Status.SUBMITTED,
                                                     Status.IN_REVIEW, Status.RETURNED,
                                                     Status.RECOMMENDED}


def test_from_draft_to_a_decision_with_a_paragraph(setup, fund_admin) -> None:
    s = setup
    application = decided(s, fund_admin)
    meeting = meeting_create(actor=s["secretary"], body=s["fund"].owning_body,
                             on=date(2025, 3, 12))
    decision = decision_record(actor=s["secretary"], application=application, meeting=meeting,
                               outcome=Status.GRANTED, case_number="KS 2025/44")
    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert decision.paragraph == 1
    assert decision.amount == Decimal("400000.00")
    assert decision.reference.endswith("2025-03-12 §\xa01, dnr KS 2025/44")
    assert fund_balance(s["fund"]).committed == Decimal("400000.00")
    ledger = subject_balance(s["fund"], "applications.application", str(application.pk))
    assert ledger.committed == Decimal("400000.00")
    txn = LedgerTransaction.objects.get(kind="commitment")
    assert txn.org_unit == s["unit"]
    assert [e.to_status for e in ApplicationEvent.objects.filter(application=application)] == [
        Status.DRAFT, Status.SUBMITTED, Status.RECOMMENDED, Status.GRANTED]
    assert AuditEvent.objects.filter(action="decision.recorded").exists()


def test_paragraphs_follow_each_other_and_restart_each_year(setup, fund_admin) -> None:
    s = setup
    body = s["fund"].owning_body
    numbers = []
    for on in (date(2025, 3, 12), date(2025, 11, 5), date(2026, 1, 20)):
        application = decided(s, fund_admin, "1000.00")
        meeting = meeting_create(actor=s["secretary"], body=body, on=on)
        numbers.append(decision_record(actor=s["secretary"], application=application,
                                       meeting=meeting, outcome=Status.GRANTED).paragraph)
    assert numbers == [1, 2, 1]


def test_guideline_errors_block_submission(setup) -> None:
    s = setup
    application = draft(s, "600000.01", strategies=[])
    with pytest.raises(GuidelineError) as exc:
        application_submit(actor=s["manager"], application=application)
    assert {f.code for f in exc.value.findings if f.blocks} == {"over_application_ceiling",
                                                                 "no_strategy"}
    assert "högst 600\xa0000,00\xa0kr" in exc.value.message
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    application_update(actor=s["manager"], application=application,
                       lines=[Line("course_fee", 2025, "600000.00")],
                       strategies=[s["strategy"]], title="Undersköterskeutbildning",
                       participants_women=10)
    application_submit(actor=s["manager"], application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_at is not None


def test_return_for_completion_and_resubmit(setup, fund_admin) -> None:
    s = setup
    application = draft(s)
    application_submit(actor=s["manager"], application=application)
    application_start_review(actor=fund_admin, application=application)
    with pytest.raises(ValidationError):
        application_return(actor=fund_admin, application=application, reason=" ")
    application_return(actor=fund_admin, application=application,
                       reason="Bifoga utbildningsplanen")
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    application_update(actor=s["manager"], application=application,
                       lines=[Line("course_fee", 2025, "300000.00")],
                       strategies=[s["strategy"]], participants_women=16)
    application_submit(actor=s["manager"], application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("action", ["update", "submit", "return", "recommend", "withdraw"])
def test_illegal_transitions_are_refused_and_write_nothing(setup, fund_admin, action) -> None:
    s = setup
    application = decided(s, fund_admin)
    meeting = meeting_create(actor=s["secretary"], body=s["fund"].owning_body,
                             on=date(2025, 3, 12))
    decision_record(actor=s["secretary"], application=application, meeting=meeting,
                    outcome=Status.REJECTED, reason="Inte i strategin")
    events = ApplicationEvent.objects.count()
    calls = {
        "update": lambda: application_update(actor=s["manager"], application=application,
                                             title="Ny"),
        "submit": lambda: application_submit(actor=s["manager"], application=application),
        "return": lambda: application_return(actor=fund_admin, application=application,
                                             reason="x"),
        "recommend": lambda: application_recommend(actor=fund_admin, application=application,
                                                   outcome=Status.GRANTED, amount=None,
                                                   reason=""),
        "withdraw": lambda: application_withdraw(actor=s["manager"], application=application),
    }
    with pytest.raises(ConflictError) as exc:
        calls[action]()
    assert exc.value.code == "illegal_transition"
    assert ApplicationEvent.objects.count() == events


def test_a_grant_that_would_overdraw_is_refused_and_writes_nothing(setup, fund_admin) -> None:
    s = setup
    first = decided(s, fund_admin, "600000.00")
    second = decided(s, fund_admin, "500000.00")
    meeting = meeting_create(actor=s["secretary"], body=s["fund"].owning_body,
                             on=date(2025, 3, 12))
    decision_record(actor=s["secretary"], application=first, meeting=meeting,
                    outcome=Status.GRANTED)
    with pytest.raises(ConflictError) as exc:
        decision_record(actor=s["secretary"], application=second, meeting=meeting,
                        outcome=Status.GRANTED)
    assert "Tillgängligt: 400\xa0000,00\xa0kr" in exc.value.message
    second.refresh_from_db()
    assert second.status == Status.RECOMMENDED
    assert not Decision.objects.filter(application=second).exists()
    # the failed decision did not use up a paragraph
    third = decided(s, fund_admin, "1000.00")
    assert decision_record(actor=s["secretary"], application=third, meeting=meeting,
                           outcome=Status.GRANTED).paragraph == 2
    partly = decision_record(actor=s["secretary"], application=second, meeting=meeting,
                             outcome=Status.PARTLY_GRANTED, amount="399000.00")
    assert partly.amount == Decimal("399000.00")


def test_partial_grant_amount_must_be_below_what_was_asked(setup, fund_admin) -> None:
    s = setup
    application = draft(s)
    application_submit(actor=s["manager"], application=application)
    with pytest.raises(ValidationError):
        application_recommend(actor=fund_admin, application=application,
                              outcome=Status.PARTLY_GRANTED, amount="400000.00", reason="")
    with pytest.raises(ValidationError):
        application_recommend(actor=fund_admin, application=application,
                              outcome=Status.REJECTED, amount=None, reason="")


def test_delegated_decisions(setup, fund_admin) -> None:
    s = setup
    delegation_rule_create(actor=fund_admin, guideline=s["guideline"],
                           body=s["fund"].owning_body, max_amount=Decimal("100000.00"),
                           delegation_point="4.3", delegate_role=Role.FUND_ADMIN)
    small = decided(s, fund_admin, "100000.00")
    with pytest.raises(ConflictError) as exc:  # a secretary is not the delegate
        decision_record_delegated(actor=s["secretary"], application=small,
                                  outcome=Status.GRANTED)
    assert exc.value.code == "not_delegate"
    decision = decision_record_delegated(actor=fund_admin, application=small,
                                         outcome=Status.GRANTED, on=date(2025, 4, 1))
    assert decision.meeting is None
    assert decision.paragraph is None
    assert decision.delegation_point == "4.3"
    assert "delegationsbeslut 2025-04-01 (punkt 4.3)" in decision.reference
    assert fund_balance(s["fund"]).committed == Decimal("100000.00")
    other = decided(s, fund_admin, "1000.00")
    outsider = member(MunicipalityFactory(), Role.FUND_ADMIN, username="utsocknes-delegat")
    with pytest.raises(PermissionDenied):  # a delegate of another municipality
        decision_record_delegated(actor=outsider, application=other, outcome=Status.GRANTED)
    large = decided(s, fund_admin, "100000.01")
    with pytest.raises(ConflictError) as exc:
        decision_record_delegated(actor=fund_admin, application=large, outcome=Status.GRANTED)
    assert exc.value.code == "needs_meeting"


def test_who_may_do_what(setup, fund_admin, viewer, reviewer) -> None:
    s = setup
    with pytest.raises(PermissionDenied):  # a manager applies only for their own subtree
        application_create(actor=s["manager"], fund=s["fund"],
                           unit=OrgUnitFactory(municipality=s["fund"].municipality),
                           title="X")
    application = draft(s)
    application_submit(actor=s["manager"], application=application)
    with pytest.raises(PermissionDenied):
        application_return(actor=s["manager"], application=application, reason="x")
    with pytest.raises(PermissionDenied):
        application_start_review(actor=viewer, application=application)
    assert list(application_list(user=s["manager"])) == [application]
    other_manager = member(s["fund"].municipality, Role.UNIT_MANAGER,
                           unit=OrgUnitFactory(municipality=s["fund"].municipality),
                           username="annan-chef")
    assert list(application_list(user=other_manager)) == []
    assert list(application_list(user=viewer)) == [application]
    outsider = member(MunicipalityFactory(), Role.FUND_ADMIN, username="utsocknes")
    assert list(application_list(user=outsider)) == []


def test_withdraw_before_a_decision(setup) -> None:
    s = setup
    application = draft(s)
    application_withdraw(actor=s["manager"], application=application, reason="Kursen ställdes in")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.events.last().reason == "Kursen ställdes in"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_take_unique_paragraphs_without_gaps(municipality) -> None:
    admin = member(municipality, Role.FUND_ADMIN, username="hanna2")
    secretary = member(municipality, Role.SECRETARY, username="sara2")
    fund = fund_with_capital(municipality, "100000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))
    guideline_save(actor=admin, fund=fund, plan=None, eligible_cost_types=["course_fee"],
                   requires_strategy=False)
    unit = OrgUnitFactory(municipality=municipality)
    applications = []
    for n in range(30):
        application = application_create(actor=admin, fund=fund, unit=unit, title=f"A{n}",
                                          participants_women=1,
                                          lines=[Line("course_fee", 2025, "5000.00")])
        application_submit(actor=admin, application=application)
        application_recommend(actor=admin, application=application, outcome=Status.GRANTED,
                              amount=None, reason="")
        applications.append(application)
    meeting = meeting_create(actor=secretary, body=fund.owning_body, on=date(2025, 3, 12))
    start = threading.Barrier(len(applications))

    def decide(application):  # type: ignore[no-untyped-def]
        start.wait()
        try:
            return decision_record(actor=secretary, application=application, meeting=meeting,
                                   outcome=Status.GRANTED).paragraph
        except ConflictError:
            return None  # the fund ran out: 20 of 30 fit
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(applications)) as pool:
        paragraphs = [p for p in pool.map(decide, applications) if p is not None]
    assert len(paragraphs) == 20
    assert sorted(paragraphs) == list(range(1, 21))  # unique, and no gaps from the refusals


def test_named_participants_from_the_register(setup) -> None:
    from tests.factories import EmployeeFactory

    s = setup
    EmployeeFactory(unit=s["unit"], employee_number="1001", gender="woman")
    EmployeeFactory(unit=s["unit"], employee_number="1002", gender="man")
    EmployeeFactory(unit=OrgUnitFactory(municipality=s["fund"].municipality),
                    employee_number="2001")  # outside the unit's subtree
    application = draft(s, employee_numbers=["1001", "1002"])
    assert application.participants_women == 1
    assert application.participants_men == 1
    assert {e.employee_number for e in application.named_participants.all()} == {"1001", "1002"}
    with pytest.raises(ValidationError) as exc:
        draft(s, employee_numbers=["1001", "2001"])
    assert "2001" in exc.value.message
