"""Ledger services: the only code that moves money. Later features call these.

    commitment_create(actor=…, fund=…, amount=…, subject=Subject.of(application),
                      earmark=…, org_unit=…, text=…, idempotency_key=…)

Each service, in one database transaction: checks the input and the permission, writes one
balanced transaction with its entries and an audit event, then locks the fund row (and the
earmark row), sums from the entries the balances it drew on, and refuses with a Swedish
ConflictError (409 in the API) naming the amount available when one would be below zero or
the fund is closed; a refusal rolls everything back. Why this order: see ``_transact``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.i18n import record_language
from kompetensfond.core.models import Municipality
from kompetensfond.core.money import format_money, positive_amount
from kompetensfond.core.permissions import Decision as Permission
from kompetensfond.core.permissions import check
from kompetensfond.core.services import nothing_written, service
from kompetensfond.funds.models import Earmark, Fund, FundStatus
from kompetensfond.funds.permissions import can_manage_funds
from kompetensfond.organisation.models import OrgUnit

from .balances import Posting, lock_and_post
from .codes import AuditAction, ErrorCode
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


@dataclass(frozen=True)
class Leg:
    """One side of a transaction: the account (kind, earmark, subject) and the sign."""

    kind: str
    sign: int
    earmark: Earmark | None = None
    subject: Subject = NO_SUBJECT


AccountKey = tuple[int, str, int | None, str, str]
# Ids of committed accounts, per process. Safe to keep: an account's key never changes and
# accounts are never deleted. Filled only after the transaction that saw them commits.
_ACCOUNT_IDS: dict[AccountKey, int] = {}


def _accounts(fund: Fund, legs: Sequence[Leg]) -> list[LedgerAccount]:
    """The accounts of ``legs``, created when missing. Accounts are only names for
    balances, so this runs before the fund is locked (keeping the locked part short). A
    missing account is inserted with ON CONFLICT DO NOTHING: a concurrent request creating
    the same account makes ours a no-op, and the account is read again. Ids already known
    to this process are not asked for again (profiling showed account look-ups were a
    third of a commitment's CPU time)."""
    keys: list[AccountKey] = [
        (fund.pk, leg.kind, leg.earmark.pk if leg.earmark else None, leg.subject.type,
         leg.subject.id) for leg in legs]
    ids = {key: _ACCOUNT_IDS[key] for key in keys if key in _ACCOUNT_IDS}
    # A subject's receiving account is usually new (a new grant): insert it straight away.
    insert_first = any(leg.sign > 0 and leg.subject.type and key not in ids
                       for key, leg in zip(keys, legs, strict=True))
    for attempt in range(2):
        missing = [key for key in dict.fromkeys(keys) if key not in ids]
        if not missing:
            break
        if attempt or insert_first:
            _insert_rows(LedgerAccount._meta.db_table,
                         ("fund_id", "kind", "earmark_id", "subject_type", "subject_id",
                          "balance"),
                         [(*key, ZERO) for key in missing], " ON CONFLICT DO NOTHING")
        for pk, kind, earmark_id, subject_type, subject_id in _select_accounts(fund, missing):
            ids[(fund.pk, kind, earmark_id, subject_type, subject_id)] = pk
    transaction.on_commit(partial(_ACCOUNT_IDS.update, ids))
    return [LedgerAccount(pk=ids[key], fund_id=key[0], kind=key[1], earmark_id=key[2],
                          subject_type=key[3], subject_id=key[4]) for key in keys]


# The hot path's plain statements are written as SQL: profiling showed the ORM compiling
# them cost more CPU than PostgreSQL executing the whole commitment.
def _insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                 suffix: str = "") -> None:
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
           + ", ".join([placeholders] * len(rows)) + suffix)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


TXN_COLUMNS = ("fund_id", "kind", "date", "text", "earmark_id", "org_unit_id", "source_type",
               "source_id", "actor_id", "created_at", "idempotency_key", "reverses_id",
               "reason")


def _insert_transaction(txn: LedgerTransaction) -> None:
    """INSERT … RETURNING id of the transaction row (the ORM's ``create`` cost a fifth of a
    commitment's CPU time); the model instance is marked saved."""
    field = LedgerTransaction._meta.get_field("created_at")
    values = [getattr(txn, column) for column in TXN_COLUMNS]
    values[TXN_COLUMNS.index("created_at")] = field.get_db_prep_value(
        txn.created_at, connection)
    sql = (f"INSERT INTO {LedgerTransaction._meta.db_table} ({', '.join(TXN_COLUMNS)}) "
           f"VALUES ({', '.join(['%s'] * len(TXN_COLUMNS))}) RETURNING id")
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        (txn.pk,) = cursor.fetchone()
    txn._state.adding = False
    txn._state.db = connection.alias


def _select_accounts(fund: Fund, keys: Sequence[AccountKey]) -> list[tuple[Any, ...]]:
    conditions: list[str] = []
    params: list[Any] = [fund.pk]
    for _fund, kind, earmark_id, subject_type, subject_id in keys:
        earmark_sql = "earmark_id IS NULL" if earmark_id is None else "earmark_id = %s"
        conditions.append(f"(kind = %s AND {earmark_sql} AND subject_type = %s"
                          " AND subject_id = %s)")
        params += [kind, *([] if earmark_id is None else [earmark_id]), subject_type,
                   subject_id]
    sql = (f"SELECT id, kind, earmark_id, subject_type, subject_id "
           f"FROM {LedgerAccount._meta.db_table} WHERE fund_id = %s AND ("
           + " OR ".join(conditions) + ")")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _lock(fund: Fund, earmark: Earmark | None = None) -> bool:
    """Lock the fund row, then the earmark row (always in this order: no deadlocks), with
    ``FOR NO KEY UPDATE`` (see _transact); return whether the fund is open. SQLite has no
    row locks (it lets one writer at a time), so there the fund is only read."""
    lock = " FOR NO KEY UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {Fund._meta.db_table} WHERE id = %s{lock}",
                       [fund.pk])
        (status,) = cursor.fetchone()
        if earmark is not None:
            cursor.execute(f"SELECT id FROM {Earmark._meta.db_table} WHERE id = %s{lock}",
                           [earmark.pk])
    return bool(status == FundStatus.OPEN)


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
        raise ValidationError(message, fields={"on": [message]})


def _replay(fund: Fund, key: str | None, kind: str, total: Decimal) -> LedgerTransaction | None:
    """The transaction already written for ``key`` (the request is a replay), if any."""
    if not key:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {LedgerTransaction._meta.db_table} "
                       "WHERE fund_id = %s AND idempotency_key = %s", [fund.pk, key])
        row = cursor.fetchone()
    if row is None:
        return None
    existing = LedgerTransaction.objects.get(pk=row[0])
    moved = sum((e.amount for e in existing.entries.all() if e.amount > 0), ZERO)
    if existing.kind != kind or moved != total:
        raise ConflictError(_("The idempotency key has already been used for another "
                              "transaction."), code=ErrorCode.IDEMPOTENCY_CONFLICT)
    nothing_written()
    return existing


def _check_not_negative(legs: Sequence[tuple[LedgerAccount, Decimal]],
                        balances: dict[int, Decimal]) -> None:
    """No account but ``external`` may be below zero (DESIGN.md invariant 1: ``available``,
    ``reserved``, ``committed``; ``disbursed`` too, since more cannot be returned than was
    paid). Runs under the fund lock; ``balances`` are the stored balances with this
    transaction added, so the check reads one row per account, never the history."""
    drawn = [(account, amount) for account, amount in legs
             if amount < 0 and account.kind != AccountKind.EXTERNAL]
    for account, amount in drawn:
        if balances[account.pk] >= ZERO:
            continue
        available = balances[account.pk] - amount  # what there was before this transaction
        if account.kind == AccountKind.DISBURSED:
            raise ConflictError(
                _("More than was paid out cannot be returned. Paid: %(paid)s.")
                % {"paid": format_money(available)}, code=ErrorCode.INSUFFICIENT_FUNDS)
        raise ConflictError(
            _("%(pot)s does not have enough money. Available: %(available)s.")
            % {"pot": _pot_name(account), "available": format_money(available)},
            code=ErrorCode.INSUFFICIENT_FUNDS,
        )


def _transact(
    kind: str, *, actor: Actor, fund: Fund, amount: Decimal | int | str,
    on: date | None, text: str, legs: Sequence[Leg], earmark: Earmark | None = None,
    org_unit: OrgUnit | None = None, source: Subject = NO_SUBJECT,
    idempotency_key: str | None = None, reverses: LedgerTransaction | None = None,
    reason: str = "", prepared: list[tuple[LedgerAccount, Decimal]] | None = None,
    authorised: Permission | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction with its entries and audit event, then lock the fund
    (and the earmark), add the entries to the stored balances and totals, and check that
    the fund is open and that no account has gone below zero; otherwise refuse, and
    everything is rolled back.

    The order is what makes one fund take hundreds of commitments a second: the writes
    happen before the lock (other requests cannot see them until commit), so the locked
    part is one round trip (the lock and the additions to the stored balances and totals)
    and the commit. The lock is ``FOR NO KEY UPDATE``: it serialises every writer of the
    fund but does not wait for the key-share locks that the inserts' foreign keys take on
    the fund row (``FOR UPDATE`` would deadlock here). The balances are added to after the
    lock is granted, so they include every transaction committed before, and each check
    reads one stored row per account: the cost does not grow with the fund's history
    (``balances.py``).

    Who may post: a case officer (``can_post_to_ledger``), or the person another service
    has already authorised for this very posting and passes as ``authorised`` (a decision
    commits its grant: the secretary recording it, or a delegate named in person)."""
    money = positive_amount(amount) if prepared is None else ZERO
    on = _today(on)
    check(authorised if authorised is not None else can_post_to_ledger(actor, fund))
    if earmark is not None and earmark.fund_id != fund.pk:
        raise ValidationError(_("The earmark belongs to another fund."))
    _check_dates(fund, kind, on)
    if prepared is None:
        accounts = _accounts(fund, legs)
        entries = [(account, leg.sign * money)
                   for account, leg in zip(accounts, legs, strict=True)]
    else:
        entries = prepared
    if sum((a for _acc, a in entries), ZERO) != ZERO:
        raise ValidationError("unbalanced transaction")  # a programming error, never input
    moved = sum((a for _acc, a in entries if a > 0), ZERO)
    if (done := _replay(fund, idempotency_key, kind, moved)):
        return done
    txn = LedgerTransaction(
        fund=fund, kind=kind, date=on, text=text[:255], earmark=earmark, org_unit=org_unit,
        source_type=source.type, source_id=source.id,
        actor=user_or_none(actor),
        idempotency_key=idempotency_key or None, reverses=reverses, reason=reason,
        created_at=timezone.now(),
    )
    try:  # no savepoint needed: on an IntegrityError the whole service is rolled back
        _insert_transaction(txn)
    except IntegrityError as exc:  # the same key or correction, committed meanwhile
        if reverses is not None:
            raise ConflictError(_("This transaction has already been corrected."),
                                code=ErrorCode.ALREADY_REVERSED) from exc
        raise ConflictError(_("The idempotency key has already been used for another "
                              "transaction."), code=ErrorCode.IDEMPOTENCY_CONFLICT) from exc
    _insert_rows(LedgerEntry._meta.db_table, ("transaction_id", "account_id", "amount"),
                 [(txn.pk, account.pk, value) for account, value in entries])
    record_event(actor=actor, action=AuditAction.of_kind(kind), obj=txn,
                 municipality=fund.municipality,
                 changes={"amount": moved, "text": text, "date": on,
                          "earmark": earmark.pk if earmark else None,
                          "source": f"{source.type} {source.id}".strip()})

    is_open, balances = lock_and_post(
        fund.pk, earmark.pk if earmark else None, on, org_unit.pk if org_unit else None,
        [Posting(account.pk, account.kind, account.earmark_id, value)
         for account, value in entries])
    if kind in OPENING_KINDS and not is_open:
        raise ConflictError(_("The fund is closed. Closed funds take no new contributions, "
                              "earmarks or grants."), code=ErrorCode.FUND_CLOSED)
    _check_not_negative(entries, balances)
    return txn


def _today(on: date | None) -> date:
    return on if on is not None else timezone.localdate()


@service
def contribution_post(*, actor: Actor, fund: Fund, amount: Decimal | str, on: date,
                      text: str, source: Subject,
                      idempotency_key: str | None = None) -> LedgerTransaction:
    """external → available (fund). Called by funds.services.contribution_record."""
    return _transact(TransactionKind.CONTRIBUTION, actor=actor, fund=fund, amount=amount,
                     on=on, text=text, source=source, idempotency_key=idempotency_key,
                     legs=[Leg(AccountKind.EXTERNAL, -1), Leg(AccountKind.AVAILABLE, 1)])


@service
def earmark_post(*, actor: Actor, earmark: Earmark, amount: Decimal | str,
                 on: date | None = None, text: str = "", release: bool = False,
                 idempotency_key: str | None = None) -> LedgerTransaction:
    """available (fund) → available (earmark); ``release=True`` moves money back."""
    sign = -1 if release else 1
    if not text:
        with record_language():
            text = (_("Released from %(name)s") if release
                    else _("Earmarked for %(name)s")) % {"name": earmark.name}
    return _transact(TransactionKind.EARMARK, actor=actor, fund=earmark.fund, amount=amount,
                     on=on, text=text, earmark=earmark, source=Subject.of(earmark),
                     idempotency_key=idempotency_key,
                     legs=[Leg(AccountKind.AVAILABLE, -sign),
                           Leg(AccountKind.AVAILABLE, sign, earmark)])


@service
def reservation_create(*, actor: Actor, fund: Fund, amount: Decimal | str,
                       subject: Subject, text: str, on: date | None = None,
                       earmark: Earmark | None = None,
                       idempotency_key: str | None = None,
                       authorised: Permission | None = None) -> LedgerTransaction:
    """available → reserved (subject): money set aside for individual allowances."""
    return _transact(TransactionKind.RESERVATION, actor=actor, fund=fund, amount=amount, on=on,
                     text=text, earmark=earmark, source=subject,
                     idempotency_key=idempotency_key, authorised=authorised,
                     legs=[Leg(AccountKind.AVAILABLE, -1, earmark),
                           Leg(AccountKind.RESERVED, 1, earmark, subject)])


@service
def reservation_release(*, actor: Actor, fund: Fund, amount: Decimal | str,
                        subject: Subject, text: str, on: date | None = None,
                        earmark: Earmark | None = None, org_unit: OrgUnit | None = None,
                        idempotency_key: str | None = None,
                        authorised: Permission | None = None) -> LedgerTransaction:
    """reserved (subject) → available: reserved money not used (an allowance forfeited or
    expired) back to the pot it came from."""
    return _transact(TransactionKind.RELEASE, actor=actor, fund=fund, amount=amount, on=on,
                     text=text, earmark=earmark, org_unit=org_unit, source=subject,
                     idempotency_key=idempotency_key, authorised=authorised,
                     legs=[Leg(AccountKind.RESERVED, -1, earmark, subject),
                           Leg(AccountKind.AVAILABLE, 1, earmark)])


@service
def commitment_create(*, actor: Actor, fund: Fund, amount: Decimal | str,
                      subject: Subject, text: str, on: date | None = None,
                      earmark: Earmark | None = None, org_unit: OrgUnit | None = None,
                      from_reservation: bool = False,
                      idempotency_key: str | None = None,
                      authorised: Permission | None = None) -> LedgerTransaction:
    """available (fund or earmark) → committed (subject): a grant. With
    ``from_reservation`` the money comes from the subject's reservation instead."""
    source = (Leg(AccountKind.RESERVED, -1, earmark, subject) if from_reservation
              else Leg(AccountKind.AVAILABLE, -1, earmark))
    return _transact(TransactionKind.COMMITMENT, actor=actor, fund=fund, amount=amount, on=on,
                     text=text, earmark=earmark, org_unit=org_unit, source=subject,
                     idempotency_key=idempotency_key, authorised=authorised,
                     legs=[source, Leg(AccountKind.COMMITTED, 1, earmark, subject)])


@service
def decommitment_create(*, actor: Actor, fund: Fund, amount: Decimal | str,
                        subject: Subject, text: str, on: date | None = None,
                        earmark: Earmark | None = None, org_unit: OrgUnit | None = None,
                        idempotency_key: str | None = None,
                      authorised: Permission | None = None) -> LedgerTransaction:
    """committed (subject) → available: a grant not used, back to the pot it came from."""
    return _transact(TransactionKind.DECOMMITMENT, actor=actor, fund=fund, amount=amount,
                     on=on, text=text, earmark=earmark, org_unit=org_unit, source=subject,
                     idempotency_key=idempotency_key, authorised=authorised,
                     legs=[Leg(AccountKind.COMMITTED, -1, earmark, subject),
                           Leg(AccountKind.AVAILABLE, 1, earmark)])


@service
def disbursement_create(*, actor: Actor, fund: Fund, amount: Decimal | str,
                        subject: Subject, text: str, on: date | None = None,
                        earmark: Earmark | None = None, org_unit: OrgUnit | None = None,
                        idempotency_key: str | None = None) -> LedgerTransaction:
    """committed (subject) → disbursed (subject): a payment."""
    return _transact(TransactionKind.DISBURSEMENT, actor=actor, fund=fund, amount=amount,
                     on=on, text=text, earmark=earmark, org_unit=org_unit, source=subject,
                     idempotency_key=idempotency_key,
                     legs=[Leg(AccountKind.COMMITTED, -1, earmark, subject),
                           Leg(AccountKind.DISBURSED, 1, earmark, subject)])


@service
def return_create(*, actor: Actor, fund: Fund, amount: Decimal | str, subject: Subject,
                  text: str, on: date | None = None, earmark: Earmark | None = None,
                  org_unit: OrgUnit | None = None,
                  idempotency_key: str | None = None) -> LedgerTransaction:
    """disbursed (subject) → available: money paid out and given back to the fund."""
    return _transact(TransactionKind.RETURN, actor=actor, fund=fund, amount=amount, on=on,
                     text=text, earmark=earmark, org_unit=org_unit, source=subject,
                     idempotency_key=idempotency_key,
                     legs=[Leg(AccountKind.DISBURSED, -1, earmark, subject),
                           Leg(AccountKind.AVAILABLE, 1, earmark)])


# postings that carry out a decision on an application: changed only with the decision
DECIDED_SUBJECT = "applications.application"
DECISION_KINDS = frozenset({TransactionKind.COMMITMENT, TransactionKind.DECOMMITMENT})


@service
def transaction_reverse(*, actor: Actor, transaction: LedgerTransaction, reason: str,
                        on: date | None = None) -> LedgerTransaction:
    """A correction: a new transaction with every entry negated, pointing at the original.
    An original is reversed at most once, and a correction is not itself reversed."""
    reason = reason.strip()
    if not reason:
        message = _("Give the reason for the correction.")
        raise ValidationError(message, fields={"reason": [message]})
    original = LedgerTransaction.objects.select_related("earmark", "org_unit", "fund").get(
        pk=transaction.pk)
    fund = original.fund
    check(can_post_to_ledger(actor, fund))
    _lock(fund)
    if original.reverses_id is not None:
        raise ConflictError(_("A correction cannot itself be reversed; correct the original "
                              "transaction instead."), code=ErrorCode.ALREADY_REVERSED)
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise ConflictError(_("This transaction has already been corrected."),
                            code=ErrorCode.ALREADY_REVERSED)
    if original.source_type == DECIDED_SUBJECT and original.kind in DECISION_KINDS:
        raise ConflictError(_("This posting carries out a decision on an application: change "
                              "the decision instead, and the ledger follows."),
                            code=ErrorCode.DECISION_POSTING)
    on = _today(on)
    if on < original.date:
        raise ValidationError(_("A correction cannot be dated before the original."))
    with record_language():
        text = _("Correction of: %(text)s") % {"text": original.text}
    entries = [(entry.account, -entry.amount)
               for entry in original.entries.select_related("account", "account__earmark")]
    return _transact(TransactionKind.ADJUSTMENT, actor=actor, fund=fund, amount=0, on=on,
                     text=text, legs=[], earmark=original.earmark, org_unit=original.org_unit,
                     source=Subject(original.source_type, original.source_id),
                     reverses=original, reason=reason, prepared=entries)


@service
def sie_accounts_set(*, actor: Actor, municipality: Municipality,
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
    record_event(actor=actor, action=AuditAction.SIE_ACCOUNTS_SET, obj=municipality,
                 municipality=municipality,
                 changes={"before": before,
                          "after": {k: f"{n} {m}" for k, (n, m) in accounts.items()}})
