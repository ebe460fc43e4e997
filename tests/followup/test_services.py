"""Payments never exceed the grant and start it; follow-ups are scheduled with the
decision, reported by the unit, and accepting the final report gives back what was not
used and closes the grant."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from kompetensfond.applications.models import Status
from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.followup.models import FollowUp, FollowUpKind, FollowUpStatus, Payment
from kompetensfond.followup.rules import follow_up_dates
from kompetensfond.followup.selectors import grant_money
from kompetensfond.followup.services import (
    QualificationLine,
    follow_up_accept,
    follow_up_reminders_send,
    follow_up_submit,
    payment_register,
)
from kompetensfond.ledger.selectors import fund_balance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]

PEOPLE = {"started_women": 10, "started_men": 2, "started_other": 0,
          "completed_women": 9, "completed_men": 1, "completed_other": 0,
          "dropped_women": 1, "dropped_men": 1, "dropped_other": 0}


def granted(world, amount: str = "400000.00"):  # type: ignore[no-untyped-def]
    return world.decided(amount).application


def test_a_payment_is_a_disbursement_and_starts_the_grant(world) -> None:
    application = granted(world)
    before = fund_balance(world.fund)
    payment = payment_register(actor=world.officer, application=application,
                               amount="150000.00", on=world.today, voucher="V 2026-0042")
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    after = fund_balance(world.fund)
    assert after.disbursed - before.disbursed == Decimal("150000.00")
    assert after.committed - before.committed == Decimal("-150000.00")
    assert payment.transaction.kind == "disbursement"
    money = grant_money(application)
    assert (money.granted, money.paid, money.left) == (
        Decimal("400000.00"), Decimal("150000.00"), Decimal("250000.00"))
    assert AuditEvent.objects.filter(action="payment.registered").count() == 1
    # a second payment keeps it in progress
    payment_register(actor=world.officer, application=application, amount="250000.00",
                     on=world.today, voucher="V 2026-0043")
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS


def test_a_payment_over_what_is_left_is_refused_and_nothing_is_written(world) -> None:
    application = granted(world)
    payment_register(actor=world.officer, application=application, amount="300000.00",
                     on=world.today, voucher="A1")
    with pytest.raises(ConflictError, match="100\xa0000,00\xa0kr"):
        payment_register(actor=world.officer, application=application, amount="100000.01",
                         on=world.today, voucher="A2")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(("field", "value", "error"), [
    ("amount", "0", ValidationError), ("amount", "-5", ValidationError),
    ("amount", "12,345", ValidationError), ("voucher", "", ValidationError),
    ("voucher", "x" * 41, ValidationError), ("voucher", "A\x07", ValidationError),
    ("on", "future", ValidationError), ("on", "before", ValidationError),
    ("on", "ancient", ValidationError),
])
def test_bad_payments_are_refused_in_swedish(world, field, value, error) -> None:
    application = granted(world)
    values = {"amount": "1000.00", "on": world.today, "voucher": "B1"}
    dates = {"future": world.today + timedelta(days=1),
             "before": world.today - timedelta(days=1), "ancient": date(1899, 1, 1)}
    values[field] = dates.get(value, value) if field == "on" else value
    with pytest.raises(error):
        payment_register(actor=world.officer, application=application, **values)
    assert not Payment.objects.exists()


def test_the_same_voucher_twice_and_an_ungranted_application_are_refused(world) -> None:
    application = granted(world)
    payment_register(actor=world.officer, application=application, amount="1000.00",
                     on=world.today, voucher="C1")
    with pytest.raises(ConflictError, match="C1"):
        payment_register(actor=world.officer, application=application, amount="1000.00",
                         on=world.today, voucher="C1")
    draft = world.draft()
    with pytest.raises(ConflictError, match="beviljad"):
        payment_register(actor=world.officer, application=draft, amount="1000.00",
                         on=world.today, voucher="C2")


def test_only_case_officers_register_payments(world) -> None:
    application = granted(world)
    for actor in (world.manager, world.reviewer, world.secretary):
        with pytest.raises(PermissionDenied):
            payment_register(actor=actor, application=application, amount="1000.00",
                             on=world.today, voucher="D1")


def test_follow_ups_are_scheduled_with_the_grant() -> None:
    decided = date(2026, 3, 15)
    assert follow_up_dates(decided, date(2028, 6, 30)) == [
        (FollowUpKind.YEARLY, date(2027, 3, 15)), (FollowUpKind.YEARLY, date(2028, 3, 15)),
        (FollowUpKind.FINAL, date(2028, 8, 29))]
    assert follow_up_dates(decided, None) == [(FollowUpKind.FINAL, date(2027, 5, 14))]
    assert follow_up_dates(date(2024, 2, 29), date(2026, 1, 1))[0] == (
        FollowUpKind.YEARLY, date(2025, 2, 28))


def test_the_final_report_is_accepted_and_the_grant_closed_with_money_back(world) -> None:
    application = granted(world)
    payment_register(actor=world.officer, application=application, amount="300000.00",
                     on=world.today, voucher="E1")
    [final] = FollowUp.objects.filter(application=application, kind=FollowUpKind.FINAL)
    available = fund_balance(world.fund).available
    follow_up_submit(actor=world.manager, follow_up=final,
                     costs={"course_fee": "250000.00", "travel": ""}, people=PEOPLE,
                     narrative="Nio undersköterskor har fått behörighet.",
                     qualifications=[QualificationLine("5330", "5321", 8)])
    application.refresh_from_db()
    assert application.status == Status.REPORTED
    follow_up_accept(actor=world.officer, follow_up=final)
    application.refresh_from_db()
    final.refresh_from_db()
    assert application.status == Status.CLOSED
    assert final.status == FollowUpStatus.ACCEPTED
    # 100 000 never paid goes back; of 300 000 paid, 250 000 was used: 50 000 returned
    assert (final.decommitted, final.returned) == (Decimal("100000.00"), Decimal("50000.00"))
    assert fund_balance(world.fund).available - available == Decimal("150000.00")
    money = grant_money(application)
    assert (money.left, money.returned) == (Decimal("0.00"), Decimal("50000.00"))


def test_report_figures_that_do_not_add_up_are_refused(world) -> None:
    application = granted(world)
    [final] = FollowUp.objects.filter(application=application, kind=FollowUpKind.FINAL)
    with pytest.raises(ValidationError, match="Fler"):
        follow_up_submit(actor=world.manager, follow_up=final, costs={},
                         people={**PEOPLE, "completed_men": 2})
    with pytest.raises(ValidationError):
        follow_up_submit(actor=world.manager, follow_up=final, costs={}, people=PEOPLE,
                         qualifications=[QualificationLine("5330", "5321", 11)])
    with pytest.raises(ValidationError):
        follow_up_submit(actor=world.manager, follow_up=final, costs={"course_fee": "-1"},
                         people=PEOPLE)
    with pytest.raises(ValidationError):
        follow_up_submit(actor=world.manager, follow_up=final, costs={"bribes": "1"},
                         people=PEOPLE)
    final.refresh_from_db()
    assert final.status == FollowUpStatus.DUE
    with pytest.raises(ConflictError):
        follow_up_accept(actor=world.officer, follow_up=final)  # nothing submitted


def test_plan_targets_show_progress_from_accepted_reports(world) -> None:
    from kompetensfond.organisation.models import Occupation
    from kompetensfond.plans.models import Target, TargetKind
    from kompetensfond.plans.selectors import target_progress

    target = Target.objects.create(
        strategy=world.strategy, kind=TargetKind.QUALIFIED, description="20 nya usk",
        occupation_from=Occupation.objects.get(ssyk_code="5330"),
        occupation_to=Occupation.objects.get(ssyk_code="5321"), count=20,
        due_date=world.today + timedelta(days=365))
    people_target = Target.objects.create(
        strategy=world.strategy, kind=TargetKind.PARTICIPANTS, description="50 deltagare",
        count=50, due_date=world.today + timedelta(days=365))
    application = granted(world)
    [final] = FollowUp.objects.filter(application=application, kind=FollowUpKind.FINAL)
    follow_up_submit(actor=world.manager, follow_up=final, costs={"course_fee": "1000"},
                     people=PEOPLE, qualifications=[QualificationLine("5330", "5321", 8)])
    progress = {p.target.pk: p for rows in target_progress(world.plan).values() for p in rows}
    assert progress[target.pk].reached == 0  # submitted, not yet accepted
    follow_up_accept(actor=world.officer, follow_up=final)
    progress = {p.target.pk: p for rows in target_progress(world.plan).values() for p in rows}
    assert (progress[target.pk].reached, progress[target.pk].percent) == (8, 40)
    assert (progress[people_target.pk].reached, progress[people_target.pk].percent) == (10, 20)


def test_reminders_go_once_a_day_to_the_manager(world, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    world.unit.manager = world.manager
    world.unit.save(update_fields=["manager"])
    application = granted(world)
    [final] = FollowUp.objects.filter(application=application, kind=FollowUpKind.FINAL)
    FollowUp.objects.filter(pk=final.pk).update(due_date=world.today + timedelta(days=10))
    mail.outbox.clear()
    from django.db import transaction

    with transaction.atomic():
        assert follow_up_reminders_send(actor=SYSTEM) == 1
        assert follow_up_reminders_send(actor=SYSTEM) == 0  # the same day: nothing more
    # next week it is still due in three days: no new reminder until overdue is a week old
    assert follow_up_reminders_send(actor=SYSTEM, today=world.today + timedelta(days=3)) == 0
    assert follow_up_reminders_send(actor=SYSTEM, today=world.today + timedelta(days=7)) == 1
