"""Ledger services: the only code that moves money. Later features call these.

    commitment_create(actor=…, fund=…, amount=…, subject=Subject.of(application),
                      earmark=…, org_unit=…, text=…, idempotency_key=…)

Each service locks the fund row (then the earmark row), recomputes the balances it touches
from the entries, refuses with a Swedish ConflictError (409 in the API) naming the amount
available when an ``available``, ``reserved`` or ``committed`` account would go below zero,
writes one balanced transaction and records an audit event, all in one database transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.i18n import record_language
from kompetensfond.core.models import Municipality, User
from kompetensfond.core.money import MoneySum, format_money
from kompetensfond.core.permissions import check
from kompetensfond.core.services import nothing_written, service
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.funds.permissions import can_manage_funds
from kompetensfond.organisation.models import OrgUnit

from .amounts import positive_amount
from .models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    SieAccount,
    TransactionKind,
)
from .permissions import can_post_to_ledger
from .sie import DEFAULT_ACCOUNTS

ZERO = Decimal("0.00")
# Kinds that bring new promises or capital: refused on a closed fund and outside its period.
OPENING_KINDS = frozenset({TransactionKind.CONTRIBUTION, TransactionKind.EARMARK,
                           TransactionKind.RESERVATION, TransactionKind.COMMITMENT})


@dataclass(frozen=True)
class Subject:
    """What a reserved/committed/disbursed account belongs to: ("applications.application",
    "42"), an allowance scheme, … Kept as text so the ledger depends on no later app."""

    type: str
    id: str

    @classmethod
    def of(cls, obj: models.Model) -> Subject:
        return cls(obj._meta.label_lower, str(obj.pk))


NO_SUBJECT = Subject("", "")


def _account(fund: Fund, kind: str, earmark: Earmark | None = None,
             subject: Subject = NO_SUBJECT) -> LedgerAccount:
    account, _created = LedgerAccount.objects.get_or_create(
        fund=fund, kind=kind, earmark=earmark, subject_type=subject.type, subject_id=subject.id
    )
    return account


def _balance(account: LedgerAccount) -> Decimal:
    total = LedgerEntry.objects.filter(account=account).aggregate(s=MoneySum("amount"))["s"]
    return total if total is not None else ZERO


def _lock(fund: Fund, earmark: Earmark | None = None) -> tuple[Fund, Earmark | None]:
    """Lock the fund row, then the earmark row (always in this order: no deadlocks)."""
    locked = Fund.objects.select_for_update().select_related("municipality").get(pk=fund.pk)
    locked_earmark = None
    if earmark is not None:
        if earmark.fund_id != fund.pk:
            raise ValidationError(_("The earmark belongs to another fund."))
        locked_earmark = Earmark.objects.select_for_update().get(pk=earmark.pk)
    return locked, locked_earmark


def _pot_name(account: LedgerAccount) -> str:
    if account.kind == AccountKind.AVAILABLE:
        return (_("The earmark %(name)s") % {"name": account.earmark} if account.earmark_id
                else _("The fund"))
    if account.kind == AccountKind.RESERVED:
        return _("The reservation")
    if account.kind == AccountKind.DISBURSED:
        return _("The payments")
    return _("The grant")


def _check_dates(fund: Fund, kind: str, on: date) -> None:
    if on < fund.start_date or (kind in OPENING_KINDS and on > fund.end_date):
        message = _("The date must be within the fund's period %(start)s–%(end)s.") % {
            "start": fund.start_date.isoformat(), "end": fund.end_date.isoformat()}
        raise ValidationError(message, fields={"date": [message]})


def _replay(fund: Fund, key: str | None, kind: str, total: Decimal) -> LedgerTransaction | None:
    if not key:
        return None
    existing = LedgerTransaction.objects.filter(fund=fund, idempotency_key=key).first()
    if existing is None:
        return None
    moved = sum((e.amount for e in existing.entries.all() if e.amount > 0), ZERO)
    if existing.kind != kind or moved != total:
        raise ConflictError(_("The idempotency key has already been used for another "
                              "transaction."), code="idempotency_conflict")
    nothing_written()
    return existing


def _post(
    *, actor: User | None, fund: Fund, kind: str, on: date, text: str,
    legs: Sequence[tuple[LedgerAccount, Decimal]], earmark: Earmark | None = None,
    org_unit: OrgUnit | None = None, source: Subject = NO_SUBJECT,
    idempotency_key: str | None = None, reverses: LedgerTransaction | None = None,
    reason: str = "",
) -> LedgerTransaction:
    """Write one balanced transaction after checking that no account but ``external`` goes
    negative (``available``, ``reserved``, ``committed``: DESIGN.md invariant 1; ``disbursed``
    too, since more cannot be returned than was paid). The caller holds the fund lock."""
    if sum((amount for _a, amount in legs), ZERO) != ZERO:
        raise ValidationError("unbalanced transaction")  # a programming error, never input
    for account, amount in legs:
        if amount < 0 and account.kind != AccountKind.EXTERNAL:
            available = _balance(account)
            if available + amount < ZERO:
                raise ConflictError(
                    _("%(pot)s does not have enough money. Available: %(available)s.")
                    % {"pot": _pot_name(account), "available": format_money(available)},
                    code="insufficient_funds",
                )
    transaction = LedgerTransaction.objects.create(
        fund=fund, kind=kind, date=on, text=text[:255], earmark=earmark, org_unit=org_unit,
        source_type=source.type, source_id=source.id,
        actor=actor if actor is not None and actor.pk else None,
        idempotency_key=idempotency_key or None, reverses=reverses, reason=reason,
    )
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(transaction=transaction, account=account, amount=amount)
         for account, amount in legs]
    )
    moved = sum((a for _acc, a in legs if a > 0), ZERO)
    record_event(actor=actor, action=f"ledger.{kind}", obj=transaction,
                 municipality=fund.municipality,
                 changes={"amount": moved, "text": text, "date": on,
                          "earmark": earmark.pk if earmark else None,
                          "source": f"{source.type} {source.id}".strip()})
    return transaction


def _guarded(actor: User | None, fund: Fund, earmark: Earmark | None, kind: str, on: date,
             amount: Decimal | int | str) -> tuple[Fund, Earmark | None, Decimal]:
    amount = positive_amount(amount)
    fund, earmark = _lock(fund, earmark)
    check(can_post_to_ledger(actor, fund))
    if kind in OPENING_KINDS and not fund.is_open:
        raise ConflictError(_("The fund is closed. Closed funds take no new contributions, "
                              "earmarks or grants."), code="fund_closed")
    _check_dates(fund, kind, on)
    return fund, earmark, amount


def _today(on: date | None) -> date:
    return on if on is not None else timezone.localdate()


@service
def contribution_post(*, actor: User | None, fund: Fund, amount: Decimal | str, on: date, text: str,
                      source: Subject, idempotency_key: str | None = None) -> LedgerTransaction:
    """external → available (fund). Called by funds.services.contribution_record."""
    fund, _e, amount = _guarded(actor, fund, None, TransactionKind.CONTRIBUTION, on, amount)
    if (done := _replay(fund, idempotency_key, TransactionKind.CONTRIBUTION, amount)):
        return done
    return _post(actor=actor, fund=fund, kind=TransactionKind.CONTRIBUTION, on=on, text=text,
                 source=source, idempotency_key=idempotency_key,
                 legs=[(_account(fund, AccountKind.EXTERNAL), -amount),
                       (_account(fund, AccountKind.AVAILABLE), amount)])


@service
def earmark_post(*, actor: User | None, earmark: Earmark, amount: Decimal | str,
                 on: date | None = None, text: str = "", release: bool = False,
                 idempotency_key: str | None = None) -> LedgerTransaction:
    """available (fund) → available (earmark); ``release=True`` moves money back."""
    on = _today(on)
    fund, earmark_locked, amount = _guarded(actor, earmark.fund, earmark,
                                            TransactionKind.EARMARK, on, amount)
    assert earmark_locked is not None
    if (done := _replay(fund, idempotency_key, TransactionKind.EARMARK, amount)):
        return done
    sign = -1 if release else 1
    with record_language():
        default_text = (_("Released from %(name)s") if release
                        else _("Earmarked for %(name)s")) % {"name": earmark_locked.name}
    return _post(actor=actor, fund=fund, kind=TransactionKind.EARMARK, on=on,
                 text=text or default_text, earmark=earmark_locked,
                 source=Subject.of(earmark_locked), idempotency_key=idempotency_key,
                 legs=[(_account(fund, AccountKind.AVAILABLE), -sign * amount),
                       (_account(fund, AccountKind.AVAILABLE, earmark_locked), sign * amount)])


def _pot(fund: Fund, earmark: Earmark | None) -> LedgerAccount:
    return _account(fund, AccountKind.AVAILABLE, earmark)


@service
def reservation_create(*, actor: User | None, fund: Fund, amount: Decimal | str, subject: Subject,
                       text: str, on: date | None = None, earmark: Earmark | None = None,
                       idempotency_key: str | None = None) -> LedgerTransaction:
    """available → reserved (subject): money set aside for individual allowances."""
    on = _today(on)
    fund, earmark, amount = _guarded(actor, fund, earmark, TransactionKind.RESERVATION, on,
                                     amount)
    if (done := _replay(fund, idempotency_key, TransactionKind.RESERVATION, amount)):
        return done
    return _post(actor=actor, fund=fund, kind=TransactionKind.RESERVATION, on=on, text=text,
                 earmark=earmark, source=subject, idempotency_key=idempotency_key,
                 legs=[(_pot(fund, earmark), -amount),
                       (_account(fund, AccountKind.RESERVED, earmark, subject), amount)])


@service
def commitment_create(*, actor: User | None, fund: Fund, amount: Decimal | str, subject: Subject,
                      text: str, on: date | None = None, earmark: Earmark | None = None,
                      org_unit: OrgUnit | None = None, from_reservation: bool = False,
                      idempotency_key: str | None = None) -> LedgerTransaction:
    """available (fund or earmark) → committed (subject): a grant. With
    ``from_reservation`` the money comes from the subject's reservation instead."""
    on = _today(on)
    fund, earmark, amount = _guarded(actor, fund, earmark, TransactionKind.COMMITMENT, on,
                                     amount)
    if (done := _replay(fund, idempotency_key, TransactionKind.COMMITMENT, amount)):
        return done
    source_account = (_account(fund, AccountKind.RESERVED, earmark, subject)
                      if from_reservation else _pot(fund, earmark))
    return _post(actor=actor, fund=fund, kind=TransactionKind.COMMITMENT, on=on, text=text,
                 earmark=earmark, org_unit=org_unit, source=subject,
                 idempotency_key=idempotency_key,
                 legs=[(source_account, -amount),
                       (_account(fund, AccountKind.COMMITTED, earmark, subject), amount)])


def _settle(kind: str, from_kind: str, to_kind: str | None, *, actor: User | None, fund: Fund,
            amount: Decimal | str, subject: Subject, text: str, on: date | None,
            earmark: Earmark | None, org_unit: OrgUnit | None,
            idempotency_key: str | None) -> LedgerTransaction:
    on = _today(on)
    fund, earmark, amount = _guarded(actor, fund, earmark, kind, on, amount)
    if (done := _replay(fund, idempotency_key, kind, amount)):
        return done
    target = (_pot(fund, earmark) if to_kind is None
              else _account(fund, to_kind, earmark, subject))
    source_account = (_pot(fund, earmark) if from_kind == AccountKind.AVAILABLE
                      else _account(fund, from_kind, earmark, subject))
    if from_kind == AccountKind.DISBURSED and _balance(source_account) < amount:
        raise ConflictError(_("More than was paid out cannot be returned. Paid: %(paid)s.")
                            % {"paid": format_money(_balance(source_account))},
                            code="insufficient_funds")
    return _post(actor=actor, fund=fund, kind=kind, on=on, text=text, earmark=earmark,
                 org_unit=org_unit, source=subject, idempotency_key=idempotency_key,
                 legs=[(source_account, -amount), (target, amount)])


@service
def decommitment_create(*, actor: User | None, fund: Fund, amount: Decimal | str, subject: Subject,
                        text: str, on: date | None = None, earmark: Earmark | None = None,
                        org_unit: OrgUnit | None = None,
                        idempotency_key: str | None = None) -> LedgerTransaction:
    """committed (subject) → available: a grant not used, back to the pot it came from."""
    return _settle(TransactionKind.DECOMMITMENT, AccountKind.COMMITTED, None, actor=actor,
                   fund=fund, amount=amount, subject=subject, text=text, on=on,
                   earmark=earmark, org_unit=org_unit, idempotency_key=idempotency_key)


@service
def disbursement_create(*, actor: User | None, fund: Fund, amount: Decimal | str, subject: Subject,
                        text: str, on: date | None = None, earmark: Earmark | None = None,
                        org_unit: OrgUnit | None = None,
                        idempotency_key: str | None = None) -> LedgerTransaction:
    """committed (subject) → disbursed (subject): a payment."""
    return _settle(TransactionKind.DISBURSEMENT, AccountKind.COMMITTED, AccountKind.DISBURSED,
                   actor=actor, fund=fund, amount=amount, subject=subject, text=text, on=on,
                   earmark=earmark, org_unit=org_unit, idempotency_key=idempotency_key)


@service
def return_create(*, actor: User | None, fund: Fund, amount: Decimal | str, subject: Subject,
                  text: str, on: date | None = None, earmark: Earmark | None = None,
                  org_unit: OrgUnit | None = None,
                  idempotency_key: str | None = None) -> LedgerTransaction:
    """disbursed (subject) → available: money paid out and given back to the fund."""
    return _settle(TransactionKind.RETURN, AccountKind.DISBURSED, None, actor=actor, fund=fund,
                   amount=amount, subject=subject, text=text, on=on, earmark=earmark,
                   org_unit=org_unit, idempotency_key=idempotency_key)


@service
def transaction_reverse(*, actor: User | None, transaction: LedgerTransaction, reason: str,
                        on: date | None = None) -> LedgerTransaction:
    """A correction: a new transaction with every entry negated, pointing at the original.
    An original is reversed at most once, and a correction is not itself reversed."""
    reason = reason.strip()
    if not reason:
        message = _("Give the reason for the correction.")
        raise ValidationError(message, fields={"reason": [message]})
    fund, _e = _lock(transaction.fund)
    check(can_post_to_ledger(actor, fund))
    original = LedgerTransaction.objects.select_related("earmark").get(pk=transaction.pk)
    if original.reverses_id is not None:
        raise ConflictError(_("A correction cannot itself be reversed; correct the original "
                              "transaction instead."), code="already_reversed")
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise ConflictError(_("This transaction has already been corrected."),
                            code="already_reversed")
    on = _today(on)
    if on < original.date:
        raise ValidationError(_("A correction cannot be dated before the original."))
    with record_language():
        text = _("Correction of: %(text)s") % {"text": original.text}
    legs = [(entry.account, -entry.amount)
            for entry in original.entries.select_related("account", "account__earmark")]
    return _post(actor=actor, fund=fund, kind=TransactionKind.ADJUSTMENT, on=on,
                 text=text,
                 earmark=original.earmark, org_unit=original.org_unit,
                 source=Subject(original.source_type, original.source_id),
                 reverses=original, reason=reason, legs=legs)


@service
def sie_accounts_set(*, actor: User | None, municipality: Municipality,
                     accounts: dict[str, tuple[str, str]]) -> None:
    """Set the municipality's account number and name per ledger account kind for SIE."""
    check(can_manage_funds(actor, municipality))
    unknown = set(accounts) - set(DEFAULT_ACCOUNTS)
    if unknown:
        raise ValidationError(_("Unknown account kind: %(kinds)s.") % {
            "kinds": ", ".join(sorted(unknown))})
    numbers = [number.strip() for number, _name in accounts.values()]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("Each kind needs its own account number."))
    for number, name in accounts.values():
        if not number.strip().isdigit() or not name.strip():
            raise ValidationError(_("Enter an account number of digits and a name."))
    before = {row.kind: f"{row.number} {row.name}"
              for row in SieAccount.objects.select_for_update().filter(municipality=municipality)}
    for kind, (number, name) in accounts.items():
        SieAccount.objects.update_or_create(municipality=municipality, kind=kind,
                                            defaults={"number": number.strip(),
                                                      "name": name.strip()})
    record_event(actor=actor, action="ledger.sie_accounts_set", obj=municipality,
                 municipality=municipality,
                 changes={"before": before,
                          "after": {k: f"{n} {m}" for k, (n, m) in accounts.items()}})
