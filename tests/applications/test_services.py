"""Applications from draft to decision: every transition allowed and refused, guideline
errors block submission, decisions take a § and commit the money, and the life-cycle table
answers what each person can do now."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from kompetensfond.applications.lifecycle import TRANSITIONS, allowed
from kompetensfond.applications.models import ApplicationEvent, Decision, Outcome, Status
from kompetensfond.applications.selectors import application_list, available_actions
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
    decision_record_at_meeting,
    decision_record_delegated,
)
from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.selectors import fund_balance, subject_balance
from tests.factories import MunicipalityFactory, OrgUnitFactory, member

pytestmark = pytest.mark.django_db


def names(actions) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.name for t in actions}


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
    assert set(TRANSITIONS["decide"].targets) == set(Outcome.values)
    # every transition carries its label, its words and the function that says who may
    for transition in TRANSITIONS.values():
        assert str(transition.label)
        assert str(transition.done)
        assert callable(transition.permission)


def test_available_actions_follow_the_state_and_the_person(world, viewer) -> None:
    application = world.draft()
    assert names(available_actions(world.manager, application)) == {"submit", "withdraw"}
    assert names(available_actions(world.officer, application)) == {"submit", "withdraw"}
    assert names(available_actions(viewer, application)) == set()
    application_submit(actor=world.manager, application=application)
    application.refresh_from_db()
    assert names(available_actions(world.manager, application)) == {"withdraw"}
    assert names(available_actions(world.officer, application)) == {
        "start_review", "return", "recommend", "withdraw"}
    application_recommend(actor=world.officer, application=application,
                          outcome=Outcome.GRANTED, amount=None, reason="")
    application.refresh_from_db()
    # the secretary records the body's decision; the case officer is a delegate (≤ 100 000)
    assert names(available_actions(world.secretary, application)) == {"decide"}
    assert "decide_delegated" in names(available_actions(world.officer, application))
    # the manager wrote it: neither decides it
    assert names(available_actions(world.manager, application)) == {"withdraw"}


def test_no_actor_is_never_allowed_anything(world) -> None:
    with pytest.raises(PermissionDenied):
        application_create(actor=None, fund=world.fund, unit=world.unit,  # type: ignore[arg-type]
                           title="Utan person")
    application = world.draft()
    with pytest.raises(PermissionDenied):
        application_submit(actor=None, application=application)  # type: ignore[arg-type]
    assert available_actions(None, application) == []


def test_the_system_acts_explicitly_and_the_audit_trail_says_so(world) -> None:
    application = application_create(actor=SYSTEM, fund=world.fund, unit=world.unit,
                                     contact=world.manager, title="Importerad ansökan",
                                     participants_women=1, strategies=[world.strategy],
                                     lines=[Line("course_fee", world.today.year, "1000.00")])
    event = AuditEvent.objects.get(action="application.created", object_id=str(application.pk))
    assert event.actor is None  # shown as "System" in the audit trail
    assert application.created_by is None
    assert application.contact == world.manager


def test_from_draft_to_a_decision_with_a_paragraph(world) -> None:
    decision = world.decided(case_number="KS 2026/44")
    application = decision.application
    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert decision.paragraph == 1
    assert decision.amount == Decimal("400000.00")
    assert decision.reference.endswith(f"{world.today.isoformat()} §\xa01, dnr KS 2026/44")
    assert fund_balance(world.fund).committed == Decimal("400000.00")
    ledger = subject_balance(world.fund, "applications.application", str(application.pk))
    assert ledger.committed == Decimal("400000.00")
    txn = LedgerTransaction.objects.get(kind="commitment")
    assert txn.org_unit == world.unit
    assert txn.date == decision.decided_on  # the ledger entry carries the decision's date
    assert [e.to_status for e in ApplicationEvent.objects.filter(application=application)] == [
        Status.DRAFT, Status.SUBMITTED, Status.RECOMMENDED, Status.GRANTED]
    assert AuditEvent.objects.filter(action="decision.recorded").exists()
    assert application.agenda_items.get().meeting == decision.meeting


def test_paragraphs_follow_each_other_and_restart_each_year(world) -> None:
    # three cases registered last year (the demo's way of recording history)
    last_year = world.today.replace(year=world.today.year - 1, month=3, day=1)
    numbers = []
    for on in (last_year, last_year.replace(month=11), world.today):
        application = world.draft("1000.00", at=last_year)
        application_submit(actor=world.manager, application=application,
                           at=timezone.make_aware(datetime.combine(last_year, time(12))))
        application_recommend(actor=world.officer, application=application,
                              outcome=Outcome.GRANTED, amount=None, reason="")
        numbers.append(decision_record_at_meeting(
            actor=world.secretary, application=application, on=on,
            outcome=Outcome.GRANTED).paragraph)
    assert numbers == [1, 2, 1]


def test_guideline_errors_block_submission(world) -> None:
    application = world.draft("600000.01", strategies=[])
    with pytest.raises(GuidelineError) as exc:
        application_submit(actor=world.manager, application=application)
    assert {f.code for f in exc.value.findings if f.blocks} == {"over_application_ceiling",
                                                                 "no_strategy"}
    assert "högst 600\xa0000,00\xa0kr" in exc.value.message
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    application_update(actor=world.manager, application=application,
                       lines=[Line("course_fee", 2025, "600000.00")],
                       strategies=[world.strategy], title="Undersköterskeutbildning",
                       participants_women=10)
    application_submit(actor=world.manager, application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_at is not None


def test_return_for_completion_and_resubmit(world) -> None:
    application = world.submitted()
    application_start_review(actor=world.officer, application=application)
    with pytest.raises(ValidationError):
        application_return(actor=world.officer, application=application, reason=" ")
    application_return(actor=world.officer, application=application,
                       reason="Bifoga utbildningsplanen")
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    application_update(actor=world.manager, application=application,
                       lines=[Line("course_fee", 2025, "300000.00")],
                       strategies=[world.strategy], participants_women=16)
    application_submit(actor=world.manager, application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("action", ["update", "submit", "return", "recommend", "withdraw"])
def test_illegal_transitions_are_refused_and_write_nothing(world, action) -> None:
    application = world.decided(outcome=Outcome.REJECTED, reason="Inte i strategin").application
    events = ApplicationEvent.objects.count()
    calls = {
        "update": lambda: application_update(actor=world.manager, application=application,
                                             title="Ny"),
        "submit": lambda: application_submit(actor=world.manager, application=application),
        "return": lambda: application_return(actor=world.officer, application=application,
                                             reason="x"),
        "recommend": lambda: application_recommend(actor=world.officer, application=application,
                                                   outcome=Outcome.GRANTED, amount=None,
                                                   reason=""),
        "withdraw": lambda: application_withdraw(actor=world.manager, application=application),
    }
    with pytest.raises(ConflictError) as exc:
        calls[action]()
    assert exc.value.code == "illegal_transition"
    if action != "update":  # the message names the state the application is in
        assert "Avslagen" in exc.value.message
    assert ApplicationEvent.objects.count() == events


def test_a_grant_that_would_overdraw_is_refused_and_writes_nothing(world) -> None:
    world.decided("600000.00")
    second = world.recommended("500000.00")
    with pytest.raises(ConflictError) as exc:
        decision_record_at_meeting(actor=world.secretary, application=second, on=world.today,
                                   outcome=Outcome.GRANTED)
    assert "Tillgängligt: 400\xa0000,00\xa0kr" in exc.value.message
    second.refresh_from_db()
    assert second.status == Status.RECOMMENDED
    assert not Decision.objects.filter(application=second).exists()
    assert not second.agenda_items.exists()  # the refused decision left no agenda item
    # the failed decision did not use up a paragraph
    assert world.decided("1000.00").paragraph == 2
    partly = decision_record_at_meeting(actor=world.secretary, application=second,
                                        on=world.today, outcome=Outcome.PARTLY_GRANTED,
                                        amount="399000.00")
    assert partly.amount == Decimal("399000.00")
    assert partly.paragraph == 3


def test_partial_grant_amount_must_be_below_what_was_asked(world) -> None:
    application = world.submitted()
    with pytest.raises(ValidationError):
        application_recommend(actor=world.officer, application=application,
                              outcome=Outcome.PARTLY_GRANTED, amount="400000.00", reason="")
    with pytest.raises(ValidationError):
        application_recommend(actor=world.officer, application=application,
                              outcome=Outcome.REJECTED, amount=None, reason="")


def test_delegated_decisions(world) -> None:
    small = world.recommended("100000.00")
    with pytest.raises(PermissionDenied):  # a secretary is not the delegate
        decision_record_delegated(actor=world.secretary, application=small,
                                  outcome=Outcome.GRANTED)
    yesterday = world.today - timedelta(days=1)
    with pytest.raises(ValidationError):  # not before the application was submitted
        decision_record_delegated(actor=world.officer, application=small,
                                  outcome=Outcome.GRANTED, on=yesterday)
    decision = decision_record_delegated(actor=world.officer, application=small,
                                         outcome=Outcome.GRANTED)
    assert decision.meeting is None
    assert decision.paragraph is None
    assert decision.delegation_point == "4.3"
    assert f"delegationsbeslut {world.today.isoformat()} (punkt 4.3)" in decision.reference
    assert fund_balance(world.fund).committed == Decimal("100000.00")
    other = world.recommended("1000.00")
    outsider = member(MunicipalityFactory(), Role.FUND_ADMIN, username="utsocknes-delegat")
    with pytest.raises(PermissionDenied):  # a delegate of another municipality
        decision_record_delegated(actor=outsider, application=other, outcome=Outcome.GRANTED)
    large = world.recommended("100000.01")
    with pytest.raises(ConflictError) as exc:
        decision_record_delegated(actor=world.officer, application=large,
                                  outcome=Outcome.GRANTED)
    assert exc.value.code == "needs_meeting"


def test_who_may_do_what(world, viewer) -> None:
    with pytest.raises(PermissionDenied):  # a manager applies only for their own subtree
        application_create(actor=world.manager, fund=world.fund,
                           unit=OrgUnitFactory(municipality=world.municipality), title="X")
    application = world.submitted()
    with pytest.raises(PermissionDenied):
        application_return(actor=world.manager, application=application, reason="x")
    with pytest.raises(PermissionDenied):
        application_start_review(actor=viewer, application=application)
    assert list(application_list(user=world.manager)) == [application]
    other_manager = member(world.municipality, Role.UNIT_MANAGER,
                           unit=OrgUnitFactory(municipality=world.municipality),
                           username="annan-chef")
    assert list(application_list(user=other_manager)) == []
    assert list(application_list(user=viewer)) == [application]
    outsider = member(MunicipalityFactory(), Role.FUND_ADMIN, username="utsocknes")
    assert list(application_list(user=outsider)) == []


def test_the_list_carries_the_requested_amount_in_one_query(world, django_assert_num_queries
                                                            ) -> None:
    for amount in ("1000.00", "2500.50", "300.25"):
        world.draft(amount, lines=[Line("course_fee", 2026, amount),
                                   Line("travel", 2026, "100.00")])
    with django_assert_num_queries(3):  # membership, roles, the applications
        rows = list(application_list(user=world.officer).order_by("pk"))
    assert [row.requested for row in rows] == [Decimal("1100.00"), Decimal("2600.50"),
                                               Decimal("400.25")]


def test_withdraw_before_a_decision(world) -> None:
    application = world.draft()
    application_withdraw(actor=world.manager, application=application,
                         reason="Kursen ställdes in")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.events.last().reason == "Kursen ställdes in"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_take_unique_paragraphs_without_gaps(world) -> None:
    applications = [world.recommended("50000.00", title=f"A{n}") for n in range(30)]
    start = threading.Barrier(len(applications))

    def decide(application):  # type: ignore[no-untyped-def]
        start.wait()
        try:
            return decision_record_at_meeting(actor=world.secretary, application=application,
                                              on=world.today,
                                              outcome=Outcome.GRANTED).paragraph
        except ConflictError:
            return None  # the fund ran out: 20 of 30 fit
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(applications)) as pool:
        paragraphs = [p for p in pool.map(decide, applications) if p is not None]
    assert len(paragraphs) == 20
    assert sorted(paragraphs) == list(range(1, 21))  # unique, and no gaps from the refusals


def test_named_participants_from_the_register(world) -> None:
    from tests.factories import EmployeeFactory

    EmployeeFactory(unit=world.unit, employee_number="1001", gender="woman")
    EmployeeFactory(unit=world.unit, employee_number="1002", gender="man")
    EmployeeFactory(unit=OrgUnitFactory(municipality=world.municipality),
                    employee_number="2001")  # outside the unit's subtree
    application = world.draft(employee_numbers=["1001", "1002"])
    assert application.participants_women == 1
    assert application.participants_men == 1
    assert {e.employee_number for e in application.named_participants.all()} == {"1001", "1002"}
    with pytest.raises(ValidationError) as exc:
        world.draft(employee_numbers=["1001", "2001"])
    assert "2001" in exc.value.message
