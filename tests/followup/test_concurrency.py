"""Payments arriving at once (PostgreSQL): never more paid than committed, and one voucher
booked once.

Each payment runs in its own thread with its own connection; they start together at a
barrier and queue on the application's and the fund's row locks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kompetensfond.applications.models import Status
from kompetensfond.followup.models import Payment
from kompetensfond.followup.services import payment_register
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.selectors import fund_balance
from tests.concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("ssyk")]


def test_ten_payments_at_once_never_pay_more_than_is_committed(world) -> None:
    application = world.decided("400000.00").application  # 400 000 kr committed
    before = fund_balance(world.fund)

    results = at_once(10, lambda n: payment_register(
        actor=world.officer, application=application, amount="150000.00", on=world.today,
        voucher=f"V{n}"))

    assert results.count("ok") == 2  # 300 000 paid; a third would make 450 000
    assert results.count("over_commitment") == 8
    assert Payment.objects.filter(application=application).count() == 2
    balance = fund_balance(world.fund)
    assert balance.disbursed - before.disbursed == Decimal("300000.00")
    assert before.committed - balance.committed == Decimal("300000.00")
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert differences(world.fund.pk) == []


def test_one_voucher_sent_twice_at_once_is_booked_once(world) -> None:
    application = world.decided("400000.00").application

    results = at_once(2, lambda n: payment_register(
        actor=world.officer, application=application, amount="1000.00", on=world.today,
        voucher="R-2026-0042"))

    assert sorted(results) == ["ok", "voucher_taken"]
    assert Payment.objects.filter(voucher="R-2026-0042").count() == 1
    assert fund_balance(world.fund).disbursed == Decimal("1000.00")
    assert differences(world.fund.pk) == []
