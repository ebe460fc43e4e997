"""SIE 4I export of a fund's ledger for one year (for import into the finance system).

One ``#VER`` per ledger transaction, its ``#TRANS`` rows summing to zero. The file is in
code page 437 (``#FORMAT PC8``) as the SIE standard requires. Signs follow bookkeeping: a
debit is positive, so each ledger amount is negated (the fund's money is equity or a
liability, held as a credit; a payment is credited to the unit's internal income account on
the unit's cost centre, ``#DIM 1``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.i18n import record_language
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import OrgUnit

from .models import AccountKind, LedgerEntry, LedgerTransaction, SieAccount

PROGRAM_VERSION = "1.0"
EARMARKED = "earmarked"  # an ``available`` account of an earmark has its own SIE account


@dataclass(frozen=True)
class DefaultAccount:
    number: str
    name: str


# Defaults for the accounts; each municipality's finance department sets its own numbers
# (Fonder → SIE-konton). Documented in the README.
DEFAULT_ACCOUNTS: dict[str, DefaultAccount] = {
    AccountKind.EXTERNAL: DefaultAccount("2089", "Avsättning till kompetensfond, motkonto"),
    AccountKind.AVAILABLE: DefaultAccount("2081", "Kompetensfond, ej fördelat"),
    EARMARKED: DefaultAccount("2082", "Kompetensfond, öronmärkt"),
    AccountKind.RESERVED: DefaultAccount("2083", "Kompetensfond, reserverat"),
    AccountKind.COMMITTED: DefaultAccount("2084", "Kompetensfond, beviljat ej utbetalt"),
    AccountKind.DISBURSED: DefaultAccount("3990", "Bidrag från kompetensfond"),
}
ACCOUNT_LABELS = {
    AccountKind.EXTERNAL: _("Contributions (balancing account)"),
    AccountKind.AVAILABLE: _("Available, not earmarked"),
    EARMARKED: _("Available in earmarks"),
    AccountKind.RESERVED: _("Reserved"),
    AccountKind.COMMITTED: _("Granted, not paid"),
    AccountKind.DISBURSED: _("Paid (internal income of the unit)"),
}


def account_plan(municipality_id: int) -> dict[str, DefaultAccount]:
    """The municipality's SIE accounts: its own where set, the defaults otherwise."""
    plan = dict(DEFAULT_ACCOUNTS)
    for row in SieAccount.objects.filter(municipality_id=municipality_id):
        plan[row.kind] = DefaultAccount(row.number, row.name)
    return plan


def _quote(text: str) -> str:
    """A quoted SIE field: code page 437 substitutes first (a curly quote becomes a plain
    one), then escaping, so no substituted character can end the field early."""
    cleaned = " ".join(str(text).translate(PC8_SUBSTITUTES).split())  # one line, no tabs
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _kind_key(kind: str, earmark_id: int | None) -> str:
    return EARMARKED if kind == AccountKind.AVAILABLE and earmark_id else kind


def sie_lines(fund: Fund, year: int, *, generated_by: str = "") -> Iterable[str]:
    municipality = fund.municipality
    plan = account_plan(municipality.pk)
    transactions = list(
        LedgerTransaction.objects.filter(fund=fund, date__year=year)
        .select_related("org_unit").order_by("date", "pk")
    )
    entries: dict[int, list[LedgerEntry]] = {}
    for entry in (LedgerEntry.objects.filter(transaction__in=[t.pk for t in transactions])
                  .select_related("account").order_by("pk")):
        entries.setdefault(entry.transaction_id, []).append(entry)

    yield "#FLAGGA 0"
    yield f"#PROGRAM {_quote('kompetensfond')} {_quote(PROGRAM_VERSION)}"
    yield "#FORMAT PC8"
    yield f"#GEN {_day(timezone.localdate())} {_quote(generated_by)}".rstrip()
    yield "#SIETYP 4"
    yield f"#ORGNR {municipality.organisation_number}"
    yield f"#FNAMN {_quote(municipality.name)}"
    yield f"#RAR 0 {year}0101 {year}1231"
    used_kinds = sorted({_kind_key(e.account.kind, e.account.earmark_id)
                         for rows in entries.values() for e in rows},
                        key=lambda k: plan[k].number)
    for kind in used_kinds:
        yield f"#KONTO {plan[kind].number} {_quote(plan[kind].name)}"
    units = sorted({t.org_unit for t in transactions if t.org_unit is not None},
                   key=lambda u: u.cost_centre)
    yield f"#DIM 1 {_quote('Kostnadsställe')}"
    for unit in units:
        yield f"#OBJEKT 1 {_quote(unit.cost_centre)} {_quote(unit.name)}"
    for txn in transactions:
        text = f"{txn.get_kind_display()}: {txn.text}"
        yield (f"#VER {_quote('KF')} {_quote(str(txn.pk))} {_day(txn.date)} {_quote(text)} "
               f"{_day(timezone.localtime(txn.created_at).date())}")
        yield "{"
        for entry in entries.get(txn.pk, []):
            account = plan[_kind_key(entry.account.kind, entry.account.earmark_id)]
            objects = _objects(txn.org_unit, entry.account.kind)
            yield f"#TRANS {account.number} {{{objects}}} {_amount(-entry.amount)}"
        yield "}"


def _objects(unit: OrgUnit | None, kind: str) -> str:
    """The cost centre goes on the legs that belong to the unit (its grant and payment)."""
    if unit is None or kind in (AccountKind.EXTERNAL, AccountKind.AVAILABLE):
        return ""
    return f"1 {_quote(unit.cost_centre)}"


# Characters outside code page 437 that Swedish texts use, spelled out so no "?" appears.
PC8_SUBSTITUTES = str.maketrans({"§": "par.", "–": "-", "—": "-", "’": "'", "‘": "'",
                                 "“": '"', "”": '"', "\xa0": " ", "\u2212": "-", "…": "..."})


def sie_bytes(fund: Fund, year: int, *, generated_by: str = "") -> bytes:
    """The SIE file in code page 437. Texts are written in Swedish whatever the user's
    language (the file goes into the municipality's accounts)."""
    with record_language():
        text = "\r\n".join(sie_lines(fund, year, generated_by=generated_by)) + "\r\n"
    return text.translate(PC8_SUBSTITUTES).encode("cp437", errors="replace")


def sie_filename(fund: Fund, year: int) -> str:
    return f"kompetensfond-{fund.pk}-{year}.se"
