"""Random sequences of ledger operations keep every invariant (hypothesis, stateful).

The machine keeps its own model of what each account should hold, drives the real services
with random amounts (many of them too large), and after every step checks that
- no account but ``external`` is negative,
- every transaction and the whole ledger sum to zero,
- the balances the product shows equal the sums of the entries and the model,
- a refused operation wrote nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import DomainError
from kompetensfond.funds.services import earmark_create
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.models import LedgerEntry, LedgerTransaction
from kompetensfond.ledger.selectors import fund_balance, subject_balance
from kompetensfond.ledger.services import (
    Subject,
    commitment_create,
    decommitment_create,
    disbursement_create,
    return_create,
    transaction_reverse,
)
from tests.factories import MunicipalityFactory, fund_with_capital

pytestmark = pytest.mark.django_db

ON = date(2025, 6, 1)
CAPITAL = Decimal("100000.00")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60000.00"), places=2)
subjects = st.integers(min_value=1, max_value=4)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.fund = fund_with_capital(MunicipalityFactory(), str(CAPITAL))
        self.earmark = None
        # model: pot -> available; subject -> committed/disbursed
        self.available: dict[str, Decimal] = {"fund": CAPITAL, "earmark": Decimal(0)}
        self.committed: dict[int, Decimal] = defaultdict(Decimal)
        self.disbursed: dict[int, Decimal] = defaultdict(Decimal)
        self.pot_of: dict[int, str] = {}

    def _attempt(self, action, ok: bool) -> bool:  # type: ignore[no-untyped-def]
        """Run ``action``; it must succeed exactly when the model says it may. A refusal
        must leave the ledger as it was."""
        before = (LedgerTransaction.objects.count(), LedgerEntry.objects.count())
        try:
            action()
        except DomainError:
            assert not ok, "refused although the money was there"
            assert (LedgerTransaction.objects.count(), LedgerEntry.objects.count()) == before
            return False
        assert ok, "accepted although it overdraws"
        return True

    def _subject(self, n: int) -> Subject:
        return Subject("test.subject", str(n))

    def _earmark_obj(self, pot: str):  # type: ignore[no-untyped-def]
        return self.earmark if pot == "earmark" else None

    @rule(amount=amounts)
    def create_or_fill_earmark(self, amount: Decimal) -> None:
        ok = amount <= self.available["fund"]
        if self.earmark is None:
            def action() -> None:
                self.earmark = earmark_create(actor=SYSTEM, fund=self.fund, name="Pott",
                                              amount=amount, on=ON)
        else:
            from kompetensfond.ledger.services import earmark_post

            def action() -> None:
                earmark_post(actor=SYSTEM, earmark=self.earmark, amount=amount, on=ON)
        if self._attempt(action, ok):
            self.available["fund"] -= amount
            self.available["earmark"] += amount

    @rule(n=subjects, amount=amounts, use_earmark=st.booleans())
    def commit(self, n: int, amount: Decimal, use_earmark: bool) -> None:
        pot = self.pot_of.get(n) or ("earmark" if use_earmark and self.earmark else "fund")
        ok = amount <= self.available[pot]
        if self._attempt(lambda: commitment_create(
                actor=SYSTEM, fund=self.fund, amount=amount, subject=self._subject(n),
                text="t", on=ON, earmark=self._earmark_obj(pot)), ok):
            self.pot_of[n] = pot
            self.available[pot] -= amount
            self.committed[n] += amount

    @rule(n=subjects, amount=amounts)
    def pay(self, n: int, amount: Decimal) -> None:
        pot = self.pot_of.get(n, "fund")
        ok = amount <= self.committed[n]
        if self._attempt(lambda: disbursement_create(
                actor=SYSTEM, fund=self.fund, amount=amount, subject=self._subject(n), text="t",
                on=ON, earmark=self._earmark_obj(pot)), ok):
            self.committed[n] -= amount
            self.disbursed[n] += amount

    @rule(n=subjects, amount=amounts)
    def decommit(self, n: int, amount: Decimal) -> None:
        pot = self.pot_of.get(n, "fund")
        ok = amount <= self.committed[n]
        if self._attempt(lambda: decommitment_create(
                actor=SYSTEM, fund=self.fund, amount=amount, subject=self._subject(n), text="t",
                on=ON, earmark=self._earmark_obj(pot)), ok):
            self.committed[n] -= amount
            self.available[pot] += amount

    @rule(n=subjects, amount=amounts)
    def give_back(self, n: int, amount: Decimal) -> None:
        pot = self.pot_of.get(n, "fund")
        ok = amount <= self.disbursed[n]
        if self._attempt(lambda: return_create(
                actor=SYSTEM, fund=self.fund, amount=amount, subject=self._subject(n), text="t",
                on=ON, earmark=self._earmark_obj(pot)), ok):
            self.disbursed[n] -= amount
            self.available[pot] += amount

    @rule(data=st.data())
    def reverse_something(self, data: st.DataObject) -> None:
        candidates = list(LedgerTransaction.objects.filter(
            fund=self.fund, reverses__isnull=True, reversed_by__isnull=True,
        ).exclude(kind="contribution").order_by("pk"))
        if not candidates:
            return
        txn = data.draw(st.sampled_from(candidates))
        try:
            transaction_reverse(actor=SYSTEM, transaction=txn, reason="test", on=ON)
        except DomainError:
            return  # refused (it would overdraw): nothing to model
        # re-derive the model from the ledger's own subject balances after a correction
        for n in list(self.committed) + list(self.disbursed):
            b = subject_balance(self.fund, "test.subject", str(n))
            self.committed[n], self.disbursed[n] = b.committed, b.disbursed
        balance = fund_balance(self.fund)
        self.available["fund"] = balance.unearmarked
        self.available["earmark"] = balance.earmarked

    @invariant()
    def ledger_matches_the_model_and_the_rules(self) -> None:
        entries = list(LedgerEntry.objects.filter(account__fund=self.fund)
                       .select_related("account"))
        assert sum((e.amount for e in entries), Decimal(0)) == 0
        per_account: dict[int, Decimal] = defaultdict(Decimal)
        per_txn: dict[int, Decimal] = defaultdict(Decimal)
        for e in entries:
            per_account[e.account_id] += e.amount
            per_txn[e.transaction_id] += e.amount
        kinds = {e.account_id: e.account.kind for e in entries}
        assert all(v >= 0 for k, v in per_account.items() if kinds[k] != "external")
        assert all(v == 0 for v in per_txn.values())
        balance = fund_balance(self.fund)
        assert balance.capital == CAPITAL
        assert balance.unearmarked == self.available["fund"]
        assert balance.earmarked == self.available["earmark"]
        assert balance.committed == sum(self.committed.values(), Decimal(0))
        assert balance.disbursed == sum(self.disbursed.values(), Decimal(0))
        assert balance.total == balance.capital
        # the stored balances and totals are exactly the sums of the entries, every step
        assert differences(self.fund.pk) == []


def test_random_operations_keep_every_invariant(db: None) -> None:
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=50, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    ))
