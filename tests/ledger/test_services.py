"""Every ledger service and every refusal. A refusal writes nothing: no transaction, no
entry, no audit event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.utils import DatabaseError

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.funds.services import earmark_create, fund_close
from kompetensfond.ledger.models import LedgerEntry, LedgerTransaction, TransactionKind
from kompetensfond.ledger.selectors import account_balances, fund_balance, subject_balance
from kompetensfond.ledger.services import (
    Subject,
    commitment_create,
    decommitment_create,
    disbursement_create,
    reservation_create,
    return_create,
    transaction_reverse,
)
from tests.factories import OrgUnitFactory, fund_with_capital, member

pytestmark = pytest.mark.django_db

APP = Subject("demo.grant", "1")  # a grant outside the applications feature
ON = date(2025, 3, 1)


@pytest.fixture
def fund(municipality):
    return fund_with_capital(municipality, "1000000.00")


def counts() -> tuple[int, int, int]:
    return (LedgerTransaction.objects.count(), LedgerEntry.objects.count(),
            AuditEvent.objects.count())


def commit(fund, actor, amount, subject=APP, **kwargs):
    return commitment_create(actor=actor, fund=fund, amount=amount, subject=subject,
                             text="Undersköterskeutbildning", on=kwargs.pop("on", ON), **kwargs)


def assert_invariants(fund) -> None:
    """Every account but external is non-negative; all entries sum to zero; the shown
    balance is the sum of entries."""
    balances = account_balances(fund)
    entries = LedgerEntry.objects.filter(account__fund=fund).select_related("account")
    assert sum((e.amount for e in entries), Decimal(0)) == 0
    for entry in entries:
        if entry.account.kind != "external":
            assert balances[entry.account_id] >= 0, entry.account
    for txn in LedgerTransaction.objects.filter(fund=fund):
        assert sum(e.amount for e in txn.entries.all()) == 0
    balance = fund_balance(fund)
    assert balance.total == balance.capital


def test_contribution_makes_capital_available(fund) -> None:
    balance = fund_balance(fund)
    assert balance.capital == balance.available == balance.unearmarked == Decimal("1000000.00")
    assert_invariants(fund)


def test_commitment_moves_available_to_committed_and_audits(fund, fund_admin) -> None:
    before = AuditEvent.objects.count()
    txn = commit(fund, fund_admin, Decimal("250000.00"))
    assert txn.kind == TransactionKind.COMMITMENT
    assert txn.actor == fund_admin
    assert (txn.source_type, txn.source_id) == (APP.type, APP.id)
    balance = fund_balance(fund)
    assert balance.available == Decimal("750000.00")
    assert balance.committed == Decimal("250000.00")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.action == "ledger.commitment"
    assert event.actor == fund_admin
    assert_invariants(fund)


def test_commitment_that_would_overdraw_is_refused_naming_what_is_available(fund,
                                                                           fund_admin) -> None:
    commit(fund, fund_admin, Decimal("900000.00"))
    before = counts()
    with pytest.raises(ConflictError) as exc:
        commit(fund, fund_admin, Decimal("100000.01"), subject=Subject("a", "2"))
    assert exc.value.code == "insufficient_funds"
    assert exc.value.status == 409
    assert "100\xa0000,00\xa0kr" in exc.value.message
    assert "Fonden har inte tillräckligt med medel" in exc.value.message
    assert counts() == before
    # exactly what is left is fine
    commit(fund, fund_admin, Decimal("100000.00"), subject=Subject("a", "3"))
    assert fund_balance(fund).available == 0
    assert_invariants(fund)


@pytest.mark.parametrize("amount", [0, "0.00", -5, "-100.00", "10.005", "abc", "", "1e3x"])
def test_bad_amounts_are_refused_and_write_nothing(fund, fund_admin, amount) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        commit(fund, fund_admin, amount)
    assert exc.value.status == 400
    assert exc.value.message
    assert counts() == before


def test_float_is_never_money(fund, fund_admin) -> None:
    with pytest.raises(ValidationError):
        commit(fund, fund_admin, 10.5)


def test_three_decimals_message_is_swedish(fund, fund_admin) -> None:
    with pytest.raises(ValidationError) as exc:
        commit(fund, fund_admin, "10.005")
    assert "högst två decimaler" in exc.value.message


def test_dates_outside_the_period_are_refused(fund, fund_admin) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        commit(fund, fund_admin, "100.00", on=date(2023, 12, 31))
    assert "2024-01-01" in exc.value.message
    with pytest.raises(ValidationError):
        commit(fund, fund_admin, "100.00", on=date(2028, 1, 1))
    assert counts() == before


def test_payments_after_the_period_are_allowed(fund, fund_admin) -> None:
    commit(fund, fund_admin, "1000.00")
    disbursement_create(actor=fund_admin, fund=fund, amount="1000.00", subject=APP,
                        text="Faktura", on=date(2028, 2, 1))
    assert fund_balance(fund).disbursed == Decimal("1000.00")


def test_closed_fund_takes_no_commitments_but_pays_what_was_granted(fund, fund_admin) -> None:
    commit(fund, fund_admin, "5000.00")
    fund_close(actor=fund_admin, fund=fund)
    fund.refresh_from_db()
    before = counts()
    with pytest.raises(ConflictError) as exc:
        commit(fund, fund_admin, "1.00", subject=Subject("a", "9"))
    assert exc.value.code == "fund_closed"
    assert counts() == before
    disbursement_create(actor=fund_admin, fund=fund, amount="5000.00", subject=APP,
                        text="Faktura", on=ON)
    balance = fund_balance(fund)
    assert balance.disbursed == Decimal("5000.00")
    assert balance.available == Decimal("995000.00")  # the remaining balance is reported


def test_disbursement_cannot_exceed_the_grant(fund, fund_admin) -> None:
    commit(fund, fund_admin, "5000.00")
    with pytest.raises(ConflictError) as exc:
        disbursement_create(actor=fund_admin, fund=fund, amount="5000.01", subject=APP,
                            text="Faktura", on=ON)
    assert "5\xa0000,00\xa0kr" in exc.value.message
    assert fund_balance(fund).disbursed == 0


def test_decommitment_returns_the_money_to_the_pot(fund, fund_admin) -> None:
    commit(fund, fund_admin, "5000.00")
    decommitment_create(actor=fund_admin, fund=fund, amount="2000.00", subject=APP,
                        text="Blev billigare", on=ON)
    balance = fund_balance(fund)
    assert balance.committed == Decimal("3000.00")
    assert balance.available == Decimal("997000.00")
    with pytest.raises(ConflictError):
        decommitment_create(actor=fund_admin, fund=fund, amount="3000.01", subject=APP,
                            text="För mycket", on=ON)


def test_return_of_paid_money(fund, fund_admin) -> None:
    commit(fund, fund_admin, "5000.00")
    disbursement_create(actor=fund_admin, fund=fund, amount="5000.00", subject=APP,
                        text="Faktura", on=ON)
    return_create(actor=fund_admin, fund=fund, amount="1500.00", subject=APP,
                  text="Kursen ställdes in", on=ON)
    with pytest.raises(ConflictError) as exc:
        return_create(actor=fund_admin, fund=fund, amount="3500.01", subject=APP,
                      text="För mycket", on=ON)
    assert "3\xa0500,00\xa0kr" in exc.value.message
    balance = fund_balance(fund)
    assert balance.disbursed == Decimal("3500.00")
    assert balance.available == Decimal("996500.00")
    assert_invariants(fund)


def test_reservation_then_commitment_from_it(fund, fund_admin) -> None:
    scheme = Subject("allowances.scheme", "1")
    reservation_create(actor=fund_admin, fund=fund, amount="30000.00", subject=scheme,
                       text="10 000 kr per socialsekreterare", on=ON)
    commitment_create(actor=fund_admin, fund=fund, amount="10000.00", subject=scheme,
                      text="Anna", on=ON, from_reservation=True)
    assert subject_balance(fund, scheme.type, scheme.id).reserved == Decimal("20000.00")
    with pytest.raises(ConflictError) as exc:
        commitment_create(actor=fund_admin, fund=fund, amount="20000.01", subject=scheme,
                          text="Bo", on=ON, from_reservation=True)
    assert "Reservationen" in exc.value.message
    balance = fund_balance(fund)
    assert (balance.reserved, balance.committed) == (Decimal("20000.00"), Decimal("10000.00"))
    assert_invariants(fund)


def test_earmark_money_is_only_in_the_earmark(fund, fund_admin) -> None:
    earmark = earmark_create(actor=fund_admin, fund=fund, name="Ledarskap", amount="400000.00",
                             on=ON)
    balance = fund_balance(fund)
    assert (balance.unearmarked, balance.earmarked) == (Decimal("600000.00"),
                                                        Decimal("400000.00"))
    commit(fund, fund_admin, "400000.00", earmark=earmark)
    with pytest.raises(ConflictError) as exc:
        commit(fund, fund_admin, "0.01", subject=Subject("a", "2"), earmark=earmark)
    assert "Ledarskap" in exc.value.message
    # the rest of the fund is untouched
    commit(fund, fund_admin, "600000.00", subject=Subject("a", "3"))
    assert fund_balance(fund).available == 0
    assert_invariants(fund)


def test_earmark_larger_than_available_is_refused_and_writes_nothing(fund, fund_admin) -> None:
    from kompetensfond.funds.models import Earmark

    before = counts()
    with pytest.raises(ConflictError) as exc:
        earmark_create(actor=fund_admin, fund=fund, name="För stor", amount="1000000.01", on=ON)
    assert "1\xa0000\xa0000,00\xa0kr" in exc.value.message
    assert counts() == before
    assert not Earmark.objects.exists()


def test_reversal_negates_the_original_once(fund, fund_admin) -> None:
    txn = commit(fund, fund_admin, "5000.00")
    correction = transaction_reverse(actor=fund_admin, transaction=txn,
                                     reason="Fel ansökan", on=ON)
    assert correction.kind == TransactionKind.ADJUSTMENT
    assert correction.reverses == txn
    assert correction.reason == "Fel ansökan"
    original = sorted(e.amount for e in txn.entries.all())
    negated = sorted(-e.amount for e in correction.entries.all())
    assert original == negated
    assert fund_balance(fund).available == Decimal("1000000.00")
    before = counts()
    with pytest.raises(ConflictError) as exc:
        transaction_reverse(actor=fund_admin, transaction=txn, reason="Igen", on=ON)
    assert exc.value.code == "already_reversed"
    with pytest.raises(ConflictError):
        transaction_reverse(actor=fund_admin, transaction=correction, reason="Ångra", on=ON)
    assert counts() == before
    assert_invariants(fund)


def test_reversal_needs_a_reason_and_cannot_overdraw(fund, fund_admin) -> None:
    txn = commit(fund, fund_admin, "5000.00")
    with pytest.raises(ValidationError):
        transaction_reverse(actor=fund_admin, transaction=txn, reason="  ", on=ON)
    disbursement_create(actor=fund_admin, fund=fund, amount="5000.00", subject=APP,
                        text="Faktura", on=ON)
    # the grant is paid: reversing the commitment would make "committed" negative
    with pytest.raises(ConflictError):
        transaction_reverse(actor=fund_admin, transaction=txn, reason="Fel", on=ON)
    assert_invariants(fund)


def test_idempotency_key_replays_without_writing(fund, fund_admin) -> None:
    first = commit(fund, fund_admin, "5000.00", idempotency_key="req-1")
    before = counts()
    again = commit(fund, fund_admin, "5000.00", idempotency_key="req-1")
    assert again.pk == first.pk
    assert counts() == before
    with pytest.raises(ConflictError) as exc:
        commit(fund, fund_admin, "6000.00", idempotency_key="req-1")
    assert exc.value.code == "idempotency_conflict"
    assert fund_balance(fund).committed == Decimal("5000.00")


def test_roles_without_the_right_cannot_move_money(fund, municipality, reviewer) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        commit(fund, reviewer, "100.00")
    assert counts() == before


def test_another_municipality_cannot_post_to_the_fund(fund, other_municipality) -> None:
    outsider = member(other_municipality, Role.FUND_ADMIN, username="botkyrka-hanna")
    with pytest.raises(PermissionDenied):
        commit(fund, outsider, "100.00")


def test_only_case_officers_post_and_correct(fund, fund_admin, municipality) -> None:
    secretary = member(municipality, Role.SECRETARY, username="sara")
    txn = commit(fund, fund_admin, "100.00")
    before = counts()
    with pytest.raises(PermissionDenied):
        commit(fund, secretary, "100.00")
    with pytest.raises(PermissionDenied):
        transaction_reverse(actor=secretary, transaction=txn, reason="Fel", on=ON)
    assert counts() == before


def test_a_posting_that_carries_out_a_decision_is_not_corrected_by_hand(fund, fund_admin
                                                                        ) -> None:
    txn = commit(fund, fund_admin, "100.00",
                 subject=Subject("applications.application", "1"))
    before = counts()
    with pytest.raises(ConflictError) as exc:
        transaction_reverse(actor=fund_admin, transaction=txn, reason="Fel", on=ON)
    assert exc.value.code == "decision_posting"
    assert counts() == before


def test_use_is_tied_to_the_unit(fund, fund_admin, municipality) -> None:
    unit = OrgUnitFactory(municipality=municipality)
    txn = commit(fund, fund_admin, "100.00", org_unit=unit)
    assert txn.org_unit == unit


def test_ledger_rows_are_append_only_in_python(fund) -> None:
    entry = LedgerEntry.objects.first()
    entry.amount = Decimal("1.00")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(PermissionError):
        LedgerTransaction.objects.all().delete()


@pytest.mark.postgres
def test_ledger_rows_are_append_only_in_postgresql(fund) -> None:
    entry = LedgerEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
