"""200 concurrent commitments against a fund that covers only some of them (PostgreSQL).

Each commitment runs in its own thread with its own database connection. PostgreSQL allows
100 connections here, so at most 80 are open at once (as behind a connection pool); all 200
requests are in flight together and queue on the fund's row lock."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import ConflictError
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.models import LedgerEntry, LedgerTransaction, TransactionKind
from kompetensfond.ledger.selectors import account_balances, fund_balance
from kompetensfond.ledger.services import Subject, commitment_create
from tests.factories import MunicipalityFactory, fund_with_capital

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 200
MAX_CONNECTIONS = 80
GRANT = Decimal("10000.00")


def test_200_concurrent_commitments_never_overdraw() -> None:
    # room for 73 grants and 5,000 kr left over
    fund = fund_with_capital(MunicipalityFactory(), "735000.00")
    start = threading.Barrier(CLIENTS)
    pool = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def client(n: int) -> str:
        start.wait()
        with pool:
            try:
                commitment_create(actor=SYSTEM, fund=fund, amount=GRANT,
                                  subject=Subject("test.application", str(n)),
                                  text=f"Ansökan {n}", idempotency_key=f"req-{n}")
                return "ok"
            except ConflictError as exc:
                return exc.code
            finally:
                connection.close()

    with ThreadPoolExecutor(max_workers=CLIENTS) as executor:
        results = list(executor.map(client, range(CLIENTS)))

    assert results.count("ok") == 73
    assert results.count("insufficient_funds") == CLIENTS - 73
    balance = fund_balance(fund)
    assert balance.available == Decimal("5000.00")
    assert balance.committed == 73 * GRANT
    assert balance.capital == Decimal("735000.00")
    assert all(v >= 0 for k, v in account_balances(fund).items()
               if not LedgerEntry.objects.filter(account_id=k,
                                                 account__kind="external").exists())
    assert LedgerTransaction.objects.filter(fund=fund,
                                            kind=TransactionKind.COMMITMENT).count() == 73
    assert sum(e.amount for e in LedgerEntry.objects.filter(account__fund=fund)) == 0
    # the stored balances the 200 clients updated equal the sums of the entries
    assert differences(fund.pk) == []
