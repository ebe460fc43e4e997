"""Allowance schemes, allowances and claims through their services: the rules hold, the
ledger holds exactly what the allowances say, and bad input writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kompetensfond.allowances.daily import schemes_daily
from kompetensfond.allowances.models import (
    Allowance,
    AllowanceScheme,
    AllowanceStatus,
    Claim,
    ClaimStatus,
    SchemeStatus,
)
from kompetensfond.allowances.selectors import (
    access_allowance,
    claims_waiting_count,
    claims_waiting_for,
    employee_of,
    my_allowances,
    scheme_figures,
    spending,
    uptake,
)
from kompetensfond.allowances.services import (
    claim_approve,
    claim_pay,
    claim_reject,
    claim_submit,
    scheme_expire,
    scheme_preview,
    scheme_update_from_register,
)
from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.models import LedgerTransaction, TransactionKind
from kompetensfond.ledger.selectors import fund_balance

from ..factories import EmployeeFactory
from .conftest import PDF, Staff, claim_input

pytestmark = pytest.mark.django_db


def _consistent(scheme: AllowanceScheme) -> None:
    figures = scheme_figures(scheme)
    assert figures.agrees_with_ledger, figures
    assert differences(scheme.fund_id) == []


def test_creating_a_scheme_gives_the_eligible_their_allowance_and_reserves_the_total(
        staff: Staff) -> None:
    before = fund_balance(staff.world.fund)
    scheme = staff.scheme()

    amounts = dict(scheme.allowances.values_list("employee__first_name", "amount"))
    assert amounts == {"Anna": Decimal("10000.00"), "Bo": Decimal("5000.00")}  # Cia: not 2661
    after = fund_balance(staff.world.fund)
    assert after.reserved - before.reserved == Decimal("15000.00")
    assert before.available - after.available == Decimal("15000.00")
    assert AuditEvent.objects.filter(action="allowance_scheme.created").count() == 1
    _consistent(scheme)


def test_eligibility_by_cutoff_minimum_rate_and_units(staff: Staff) -> None:
    today = staff.today
    # hired after the cut-off but already started: a new hire, prorated by days
    late = EmployeeFactory(unit=staff.team, occupation=staff.occupation, first_name="Dan",
                           start_date=datetime.date(today.year, 7, 2))
    # ended before the cut-off: out
    EmployeeFactory(unit=staff.team, occupation=staff.occupation, first_name="Eva",
                    start_date=datetime.date(today.year - 5, 1, 1),
                    end_date=datetime.date(today.year - 1, 12, 31))
    # in another administration: out
    EmployeeFactory(unit=staff.world.unit, occupation=staff.occupation, first_name="Fia")
    scheme = staff.scheme(min_employment_rate="60")

    names = set(scheme.allowances.values_list("employee__first_name", flat=True))
    assert names == {"Anna", "Dan"}  # Bo works 50 %, below the minimum of 60 %
    days = (datetime.date(today.year, 12, 31) - datetime.date(today.year, 1, 1)).days + 1
    left = (datetime.date(today.year, 12, 31) - late.start_date).days + 1
    expected = (Decimal("10000.00") * left / days).quantize(Decimal("0.01"))
    assert staff.allowance(scheme, late).amount == expected


def test_preview_writes_nothing(staff: Staff) -> None:
    preview = scheme_preview(actor=staff.world.officer, fund=staff.world.fund,
                             data=staff.rules())
    assert (preview.employees, preview.total) == (2, Decimal("15000.00"))
    assert preview.missing == 0
    assert not AllowanceScheme.objects.exists()


def test_reservation_refused_with_the_amount_missing_when_the_fund_cannot_cover(
        staff: Staff) -> None:
    available = fund_balance(staff.world.fund).unearmarked
    amount = available + Decimal("1")  # Anna alone needs more than the fund holds
    with pytest.raises(ConflictError) as caught:
        staff.scheme(amount=str(amount))
    assert caught.value.code == "fund_cannot_cover"
    assert "saknas" in caught.value.message
    # Anna needs all that is available + 1 kr, Bo half of it: 500 000,50 + 1 kr is missing
    assert "500 001,50 kr saknas" in caught.value.message.replace("\xa0", " ")
    assert not AllowanceScheme.objects.exists()
    assert not Allowance.objects.exists()
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.RESERVATION).exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"amount": "0"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"expiry_date": datetime.date(2000, 1, 1)}, "expiry_date"),  # before the start
    ({"name": "  "}, "name"),
    ({"name": "Peng\x00"}, "name"),
    ({"min_employment_rate": "120"}, "min_employment_rate"),
    ({"leaver_rule": "whatever"}, "leaver_rule"),
])
def test_bad_scheme_input_is_refused_and_nothing_written(staff: Staff, overrides: dict,
                                                         field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        staff.scheme(**overrides)
    assert field in caught.value.fields or caught.value.code == "invalid_amount", caught.value
    assert not AllowanceScheme.objects.exists()


def test_only_case_officers_create_schemes(staff: Staff) -> None:
    from kompetensfond.allowances.services import scheme_create

    with pytest.raises(PermissionDenied):
        scheme_create(actor=staff.manager, fund=staff.world.fund, data=staff.rules())


def test_employee_sees_only_their_own_allowance(staff: Staff) -> None:
    scheme = staff.scheme()
    anna = staff.allowance(scheme, staff.anna)
    bo = staff.allowance(scheme, staff.bo)
    assert employee_of(staff.anna_user) == staff.anna
    assert employee_of(staff.bo_user) == staff.bo  # by the e-mail of the staff register
    assert [a.pk for a in my_allowances(staff.anna_user)] == [anna.pk]
    assert access_allowance(staff.anna_user, anna.pk) == anna
    from django.http import Http404

    with pytest.raises(Http404):
        access_allowance(staff.anna_user, bo.pk)
    # the manager of the unit sees both; a manager elsewhere neither
    assert access_allowance(staff.manager, bo.pk) == bo
    with pytest.raises(Http404):
        access_allowance(staff.world.manager, bo.pk)


def test_a_claim_from_submission_to_payment(staff: Staff) -> None:
    scheme = staff.scheme()
    allowance = staff.allowance(scheme, staff.anna)
    claim = claim_submit(actor=staff.anna_user, allowance=allowance, data=claim_input("2500"))
    assert claim.status == ClaimStatus.SUBMITTED
    assert claims_waiting_for(staff.manager) == [claim]
    assert claims_waiting_for(staff.world.manager) == []
    assert (claims_waiting_count(staff.manager), claims_waiting_count(staff.world.manager)) == (
        1, 0)  # the navigation's count
    assert my_allowances(staff.anna_user)[0].left == Decimal("7500.00")
    _consistent(scheme)

    claim_approve(actor=staff.manager, claim=claim, comment="Bra, i linje med planen.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.commitment is not None
    _consistent(scheme)

    claim_pay(actor=staff.world.officer, claim=claim, on=staff.today, voucher="LÖN-2026-11")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    figures = scheme_figures(scheme)
    assert (figures.paid, figures.disbursed) == (Decimal("2500.00"), Decimal("2500.00"))
    assert figures.reserved == Decimal("12500.00")
    _consistent(scheme)
    assert spending(staff.world.officer, scheme) == [
        ("Kurs eller utbildning", 1, Decimal("2500.00"))]


def test_a_claim_above_what_is_left_is_refused(staff: Staff) -> None:
    scheme = staff.scheme()
    allowance = staff.allowance(scheme, staff.bo)  # 5 000 kr
    claim_submit(actor=staff.bo_user, allowance=allowance, data=claim_input("3000"))
    with pytest.raises(ConflictError) as caught:  # pending claims count
        claim_submit(actor=staff.bo_user, allowance=allowance, data=claim_input("2000.01"))
    assert caught.value.code == "over_allowance"
    assert "2\xa0000,00\xa0kr" in caught.value.message
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"cost": "0"}, None),
    ({"receipt": b"MZ\x90\x00 not a receipt"}, "receipt"),
    ({"receipt": b""}, "receipt"),
    ({"receipt": PDF + b"0" * (5 * 1024 * 1024)}, "receipt"),
    ({"activity": ""}, "activity"),
    ({"category": "holiday"}, "category"),
    ({"end_date": datetime.date(2000, 1, 1)}, "end_date"),
])
def test_bad_claims_are_refused_and_nothing_written(staff: Staff, overrides: dict,
                                                    field: str | None) -> None:
    scheme = staff.scheme()
    with pytest.raises(ValidationError) as caught:
        claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                     data=claim_input(**overrides))
    if field:
        assert field in caught.value.fields
    assert not Claim.objects.exists()


def test_a_claim_after_the_last_day_is_refused(staff: Staff) -> None:
    scheme = staff.scheme()
    with pytest.raises(ConflictError) as caught:
        claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                     data=claim_input(), on=scheme.expiry_date + datetime.timedelta(days=1))
    assert caught.value.code == "allowance_closed"


def test_nobody_claims_from_another_employees_allowance(staff: Staff) -> None:
    scheme = staff.scheme()
    with pytest.raises(PermissionDenied):
        claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.bo),
                     data=claim_input())
    with pytest.raises(PermissionDenied):
        claim_submit(actor=staff.manager, allowance=staff.allowance(scheme, staff.bo),
                     data=claim_input())


def test_only_the_employees_manager_decides(staff: Staff) -> None:
    scheme = staff.scheme()
    claim = claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                         data=claim_input())
    for someone in (staff.world.manager, staff.world.officer, staff.bo_user, staff.anna_user):
        with pytest.raises(PermissionDenied):
            claim_approve(actor=someone, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_manager_cannot_approve_their_own_claim(staff: Staff) -> None:
    staff.anna.user = staff.manager
    staff.anna.save()
    scheme = staff.scheme()
    claim = claim_submit(actor=staff.manager, allowance=staff.allowance(scheme, staff.anna),
                         data=claim_input())
    assert claims_waiting_for(staff.manager) == []
    with pytest.raises(PermissionDenied):
        claim_approve(actor=staff.manager, claim=claim)


def test_rejection_needs_a_reason_and_frees_the_money(staff: Staff) -> None:
    scheme = staff.scheme()
    allowance = staff.allowance(scheme, staff.bo)
    claim = claim_submit(actor=staff.bo_user, allowance=allowance, data=claim_input("5000"))
    with pytest.raises(ValidationError):
        claim_reject(actor=staff.manager, claim=claim, reason=" ")
    claim_reject(actor=staff.manager, claim=claim, reason="Ingår inte i utvecklingsplanen.")
    assert my_allowances(staff.bo_user)[0].left == Decimal("5000.00")
    with pytest.raises(ConflictError):  # decided once
        claim_approve(actor=staff.manager, claim=claim)
    _consistent(scheme)


def test_new_hires_and_leavers_follow_the_register(staff: Staff) -> None:
    today = staff.today
    scheme = staff.scheme(leaver_rule="forfeit")
    claim = claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                         data=claim_input("1000"))
    claim_approve(actor=staff.manager, claim=claim)
    new = EmployeeFactory(unit=staff.team, occupation=staff.occupation, first_name="Gun",
                          start_date=today)
    staff.anna.end_date = today + datetime.timedelta(days=30)  # notice given
    staff.anna.save()

    update = scheme_update_from_register(actor=SYSTEM, scheme=scheme)

    assert [a.employee_id for a in update.added] == [new.pk]
    assert [a.employee_id for a in update.forfeited] == [staff.anna.pk]
    anna = staff.allowance(scheme, staff.anna)
    assert anna.status == AllowanceStatus.FORFEITED
    assert anna.released == Decimal("9000.00")  # 10 000 less the approved 1 000
    assert update.released == Decimal("9000.00")
    assert AuditEvent.objects.filter(action="allowance.added").count() == 1
    assert AuditEvent.objects.filter(action="allowance.forfeited").count() == 1
    _consistent(scheme)
    # a second run changes nothing
    again = scheme_update_from_register(actor=SYSTEM, scheme=scheme)
    assert not again.added
    assert not again.forfeited
    with pytest.raises(ConflictError):  # nothing to claim from a forfeited allowance
        claim_submit(actor=staff.anna_user, allowance=anna, data=claim_input("10"))


def test_keep_rule_keeps_the_allowance_until_the_employment_has_ended(staff: Staff) -> None:
    scheme = staff.scheme(leaver_rule="keep")
    staff.bo.end_date = staff.today + datetime.timedelta(days=10)
    staff.bo.save()
    assert not scheme_update_from_register(actor=SYSTEM, scheme=scheme).forfeited
    later = staff.today + datetime.timedelta(days=11)
    update = scheme_update_from_register(actor=SYSTEM, scheme=scheme, on=later)
    assert [a.employee_id for a in update.forfeited] == [staff.bo.pk]


def test_expiry_returns_exactly_the_unspent_total(staff: Staff) -> None:
    scheme = staff.scheme()
    anna = staff.allowance(scheme, staff.anna)
    paid = claim_submit(actor=staff.anna_user, allowance=anna, data=claim_input("4000"))
    claim_approve(actor=staff.manager, claim=paid)
    pending = claim_submit(actor=staff.anna_user, allowance=anna, data=claim_input("1000"))
    with pytest.raises(ConflictError):  # not before the last day for claims has passed
        scheme_expire(actor=staff.world.officer, scheme=scheme)
    before = fund_balance(staff.world.fund)

    after_expiry = scheme.expiry_date + datetime.timedelta(days=1)
    released = scheme_expire(actor=staff.world.officer, scheme=scheme, on=after_expiry)

    # 15 000 allocated, 4 000 approved, 1 000 pending: 10 000 back to the fund
    assert released == Decimal("10000.00")
    assert fund_balance(staff.world.fund).available - before.available == released
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.EXPIRED
    assert set(scheme.allowances.values_list("status", flat=True)) == {AllowanceStatus.EXPIRED}
    _consistent(scheme)
    # the pending claim can still be decided; rejected, its 1 000 goes back too
    claim_reject(actor=staff.manager, claim=pending, reason="För sent inlämnad.",
                 on=after_expiry)
    assert fund_balance(staff.world.fund).available - before.available == Decimal("11000.00")
    _consistent(scheme)
    rows = {row.label: row for row in uptake(staff.world.officer, scheme, "unit")}
    assert rows["Barn och unga"].used == Decimal("4000.00")
    assert rows["Barn och unga"].released == Decimal("11000.00")
    assert rows["Barn och unga"].unused_employees == 1  # Bo used nothing


def test_the_daily_run_expires_and_is_idempotent(staff: Staff) -> None:
    scheme = staff.scheme()
    after = scheme.expiry_date + datetime.timedelta(days=1)
    first = schemes_daily(SYSTEM, on=after)
    assert (first["expired"], first["released"]) == (1, Decimal("15000.00"))
    second = schemes_daily(SYSTEM, on=after)
    assert (second["expired"], second["released"]) == (0, Decimal("0.00"))
    _consistent(scheme)


def test_uptake_by_gender_counts_who_used_nothing(staff: Staff) -> None:
    scheme = staff.scheme()
    claim = claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                         data=claim_input("2000"))
    claim_approve(actor=staff.manager, claim=claim)
    rows = {row.label: row for row in uptake(staff.world.officer, scheme, "gender")}
    assert rows["Kvinna"].used == Decimal("2000.00")
    assert rows["Kvinna"].share_used == Decimal("20.0")
    assert (rows["Man"].unused_employees, rows["Man"].allocated) == (1, Decimal("5000.00"))


def test_staff_import_updates_the_schemes(staff: Staff, django_capture_on_commit_callbacks
                                          ) -> None:
    from kompetensfond.organisation.signals import staff_register_changed

    scheme = staff.scheme()
    EmployeeFactory(unit=staff.team, occupation=staff.occupation, first_name="Hugo",
                    start_date=staff.today)
    staff_register_changed.send(sender=None, municipality_id=staff.world.municipality.pk)
    assert scheme.allowances.filter(employee__first_name="Hugo").exists()
    _consistent(scheme)


def test_a_case_officer_links_a_login_to_a_record_of_the_register(staff: Staff) -> None:
    from kompetensfond.organisation.services import employee_login_link

    from ..factories import MunicipalityFactory, member

    assert employee_of(staff.bo_user) == staff.bo  # by e-mail until linked
    employee_login_link(actor=staff.world.officer, employee=staff.cia, user=staff.bo_user)
    assert employee_of(staff.bo_user) == staff.cia
    assert AuditEvent.objects.filter(action="employee.login_linked").count() == 1
    with pytest.raises(PermissionDenied):
        employee_login_link(actor=staff.manager, employee=staff.bo, user=staff.bo_user)
    stranger = member(MunicipalityFactory(slug="orebro", name="Örebro kommun"), "employee",
                      username="stranger")
    with pytest.raises(ValidationError):
        employee_login_link(actor=staff.world.officer, employee=staff.bo, user=stranger)
