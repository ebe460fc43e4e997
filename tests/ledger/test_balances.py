"""Stored balances and totals: written by the ledger services with the entries, never
through the ORM, and checked against the entries by ``kompetensfond ledger-check``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from kompetensfond.core.actors import SYSTEM
from kompetensfond.funds.services import earmark_create
from kompetensfond.ledger.balances import differences, rebuild
from kompetensfond.ledger.models import (
    AccountKind,
    LedgerAccount,
    LedgerMonthTotal,
    LedgerUnitTotal,
)
from kompetensfond.ledger.selectors import (
    account_balances,
    earmark_available,
    fund_balance,
    fund_dashboard,
)
from kompetensfond.ledger.services import (
    Subject,
    commitment_create,
    disbursement_create,
    transaction_reverse,
)
from tests.factories import OrgUnitFactory, fund_with_capital

pytestmark = pytest.mark.django_db

GRANT = Subject("demo.grant", "1")


@pytest.fixture
def fund(municipality):  # type: ignore[no-untyped-def]
    return fund_with_capital(municipality, "1000000.00")


def test_each_posting_moves_the_stored_figures_with_the_entries(fund, municipality) -> None:
    unit = OrgUnitFactory(municipality=municipality)
    pot = earmark_create(actor=SYSTEM, fund=fund, name="Ram", amount="300000.00",
                         on=date(2024, 1, 10))
    commitment_create(actor=SYSTEM, fund=fund, amount="120000.00", subject=GRANT, text="A",
                      on=date(2024, 3, 5), earmark=pot, org_unit=unit)
    paid = disbursement_create(actor=SYSTEM, fund=fund, amount="20000.50", subject=GRANT,
                               text="B", on=date(2024, 4, 1), earmark=pot, org_unit=unit)
    transaction_reverse(actor=SYSTEM, transaction=paid, reason="Fel faktura",
                        on=date(2024, 4, 2))
    stored = dict(LedgerAccount.objects.filter(fund=fund).values_list("pk", "balance"))
    summed = account_balances(fund)
    assert all(stored[pk] == summed.get(pk, Decimal("0.00")) for pk in stored)
    assert earmark_available(pot) == Decimal("180000.00")
    months = {(m.kind, m.earmark_key, m.month): m.amount
              for m in LedgerMonthTotal.objects.filter(fund=fund)}
    assert months[(AccountKind.COMMITTED, pot.pk, date(2024, 3, 1))] == Decimal("120000.00")
    assert months[(AccountKind.DISBURSED, pot.pk, date(2024, 4, 1))] == Decimal("0.00")
    units = {(u.kind, u.unit_key, u.month): u.amount
             for u in LedgerUnitTotal.objects.filter(fund=fund)}
    assert units[(AccountKind.COMMITTED, unit.pk, date(2024, 3, 1))] == Decimal("120000.00")
    # paid and corrected in April: nothing moved that month, on either account
    assert units[(AccountKind.COMMITTED, unit.pk, date(2024, 4, 1))] == Decimal("0.00")
    assert units[(AccountKind.DISBURSED, unit.pk, date(2024, 4, 1))] == Decimal("0.00")
    balance = fund_balance(fund)
    assert (balance.capital, balance.unearmarked, balance.earmarked, balance.committed) == (
        Decimal("1000000.00"), Decimal("700000.00"), Decimal("180000.00"),
        Decimal("120000.00"))
    board = fund_dashboard(fund, today=date(2024, 6, 30))
    assert board.earmarks[pot.pk].available == Decimal("180000.00")
    assert [a.committed for a in board.administrations] == [Decimal("120000.00")]
    assert differences(fund.pk) == []


def test_the_orm_never_writes_a_stored_figure(fund) -> None:
    account = LedgerAccount.objects.filter(fund=fund).first()
    account.balance = Decimal("1.00")
    with pytest.raises(PermissionError):
        account.save()
    with pytest.raises(PermissionError):
        LedgerAccount.objects.filter(fund=fund).update(balance=0)
    with pytest.raises(PermissionError):
        LedgerMonthTotal.objects.filter(fund=fund).update(amount=0)
    with pytest.raises(PermissionError):
        LedgerUnitTotal.objects.filter(fund=fund).delete()


def test_ledger_check_passes_and_then_finds_a_tampered_balance(fund, capsys) -> None:
    commitment_create(actor=SYSTEM, fund=fund, amount="5000.00", subject=GRANT, text="A")
    call_command("ledger_check")
    assert "Huvudboken stämmer för alla fonder" in capsys.readouterr().out
    committed = LedgerAccount.objects.get(fund=fund, kind=AccountKind.COMMITTED)
    with connection.cursor() as cursor:  # what only someone outside the services can do
        cursor.execute(f"UPDATE {LedgerAccount._meta.db_table} SET balance = 4999.99 "
                       "WHERE id = %s", [committed.pk])
    with pytest.raises(SystemExit) as exit_:
        call_command("ledger_check", fund=fund.pk)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"account {committed.pk}: stored 4999.99, entries 5000.00" in err
    assert "1 avvikelser i fonden" in err
    # rebuilding from the entries restores it
    rebuild(fund.pk)
    assert differences(fund.pk) == []


def test_ledger_check_of_an_unknown_fund_is_an_error(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="finns inte"):
        call_command("ledger_check", fund=999999)
