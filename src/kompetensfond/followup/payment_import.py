"""Reading a file of payments from the finance system and checking every row before
anything is written (the import is all or nothing).

Columns, named in the header in any order and case: ``verifikation`` (voucher number),
``datum`` (the payment date, YYYY-MM-DD), ``belopp`` (kronor, Swedish or plain format),
and the grant: ``ansökan`` (the application's number) or ``dnr`` (the decision's case
number). CSV (``;``, ``,`` or tab; UTF-8 or Windows-1252) or XLSX, read by the staff
import's reader with its bounds; at most 5,000 rows and 1 MB."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.applications.models import Application
from kompetensfond.core.money import MoneyParseError, format_money, parse_money
from kompetensfond.core.permissions import municipality_of
from kompetensfond.core.text import CONTROL_CHARACTERS
from kompetensfond.organisation.importing.reading import FileReadError, cell_text, read_table

from .models import Payment
from .rules import MAX_VOUCHER, PAYABLE, committed_left, voucher_text

MAX_PAYMENT_BYTES = 1024 * 1024
MAX_PAYMENT_ROWS = 5000
COLUMNS = {
    "voucher": ("verifikation", "verifikationsnummer", "verifikationsnr", "voucher"),
    "date": ("datum", "betaldatum", "utbetalningsdatum", "bokföringsdatum", "date"),
    "amount": ("belopp", "amount"),
    "application": ("ansökan", "ansökningsnummer", "ansökan nr", "application"),
    "case_number": ("dnr", "diarienummer", "case_number"),
}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


class PaymentFileError(ValueError):
    """The file as a whole cannot be imported (message in the UI language)."""


@dataclass
class PaymentLine:
    row: int  # as numbered in the file (the header is row 1)
    voucher: str
    on: date
    amount: Decimal
    application: Application


@dataclass
class PaymentImportPlan:
    lines: list[PaymentLine] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, message)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.errors


def _header_map(header: list[str]) -> dict[str, int]:
    names = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = names.get(" ".join(str(title).replace("\ufeff", "").split()).lower())
        if key and key not in found:
            found[key] = index
    missing = [COLUMNS[k][0] for k in ("voucher", "date", "amount") if k not in found]
    if missing:
        raise PaymentFileError(_("The file has no column %(columns)s. The header needs "
                                 "verifikation, datum, belopp and ansökan or dnr.")
                               % {"columns": ", ".join(missing)})
    if "application" not in found and "case_number" not in found:
        raise PaymentFileError(_("The file names no grant: add a column ansökan (the "
                                 "application's number) or dnr (the decision's case number)."))
    return found


def _application_number(text: str) -> int | None:
    """The application's number as written in the file ("123" or "#123"); None if it is
    not one."""
    digits = text.strip().lstrip("#")
    return int(digits) if digits.isdigit() and len(digits) <= 12 else None


def _date(text: str) -> date | None:
    match = ISO_DATE.match(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def read_payments(actor: Any, content: bytes) -> PaymentImportPlan:
    """Every row checked against the grants as they stand: the application exists in the
    actor's municipality and is granted, the date lies between its decision and today,
    the voucher is new (in the file and in the register), and what the file pays each grant
    in all stays within what is granted and not yet paid. Raises PaymentFileError when the
    file cannot be read at all."""
    if len(content) > MAX_PAYMENT_BYTES:
        raise PaymentFileError(_("A payment file can be at most 1 MB."))
    try:
        table = read_table(content)
    except FileReadError as exc:
        raise PaymentFileError(str(exc)) from exc
    if len(table.rows) > MAX_PAYMENT_ROWS:
        raise PaymentFileError(_("A payment file can have at most %(n)s rows.")
                               % {"n": MAX_PAYMENT_ROWS})
    columns = _header_map(table.header)
    rows = [(number, {key: cell_text(cells[i]) if i < len(cells) else ""
                      for key, i in columns.items()}) for number, cells in table.rows]
    if not rows:
        raise PaymentFileError(_("The file has no payments."))
    municipality = municipality_of(actor)
    grants = Application.objects.filter(municipality=municipality, decision__isnull=False)\
        .select_related("decision", "fund")
    by_id = grants.in_bulk({number for _n, r in rows
                            if (number := _application_number(r.get("application", "")))})
    numbers = {" ".join(r["case_number"].split()).upper() for _n, r in rows
               if r.get("case_number")}
    by_dnr: dict[str, list[Application]] = defaultdict(list)
    for match in grants.annotate(dnr=Upper("decision__case_number")).filter(dnr__in=numbers):
        by_dnr[match.dnr].append(match)
    taken = set(Payment.objects.filter(
        municipality=municipality,
        voucher__in=[voucher_text(r["voucher"]) for _n, r in rows],
    ).values_list("voucher", flat=True))
    plan = PaymentImportPlan()
    seen: dict[str, int] = {}
    paying: dict[int, Decimal] = defaultdict(Decimal)
    left: dict[int, Decimal] = {}
    today = timezone.localdate()
    for number, row in rows:
        problems: list[str] = []
        voucher = voucher_text(row["voucher"])
        if not voucher or len(voucher) > MAX_VOUCHER or CONTROL_CHARACTERS.search(voucher):
            problems.append(_("the voucher number is missing or not valid (at most 40 "
                              "characters)"))
        elif voucher in taken:
            problems.append(_("voucher %(voucher)s is already registered")
                            % {"voucher": voucher})
        elif voucher in seen:
            problems.append(_("voucher %(voucher)s is also on row %(row)s")
                            % {"voucher": voucher, "row": seen[voucher]})
        else:
            seen[voucher] = number
        on = _date(row["date"])
        if on is None:
            problems.append(_("the date “%(text)s” is not a date (YYYY-MM-DD)")
                            % {"text": row["date"][:20]})
        amount: Decimal | None = None
        try:
            amount = parse_money(row["amount"])
            if amount <= 0:
                problems.append(_("the amount must be more than 0 kr"))
                amount = None
        except MoneyParseError:
            problems.append(_("the amount “%(text)s” is not an amount in kronor")
                            % {"text": row["amount"][:20]})
        application = _grant(row, by_id, by_dnr, problems)
        if application is not None:
            decision = application.decision
            if application.status not in PAYABLE:
                problems.append(_("%(title)s is “%(status)s” and cannot be paid") % {
                    "title": application.title, "status": application.get_status_display()})
            elif on is not None and not decision.decided_on <= on <= today:
                problems.append(_("the date must lie between the decision (%(decided)s) and "
                                  "today") % {"decided": decision.decided_on.isoformat()})
            elif amount is not None:
                if application.pk not in left:
                    left[application.pk] = committed_left(application)
                paying[application.pk] += amount
                if paying[application.pk] > left[application.pk]:
                    problems.append(_("the file pays %(title)s %(amount)s in all, more than "
                                      "what is granted and not yet paid: %(left)s") % {
                        "title": application.title,
                        "amount": format_money(paying[application.pk]),
                        "left": format_money(left[application.pk])})
        if problems:
            plan.errors.append((number, "; ".join(problems)))
        elif application is not None and on is not None and amount is not None:
            plan.lines.append(PaymentLine(number, voucher, on, amount, application))
    return plan


def _grant(row: dict[str, str], by_id: dict[int, Application],
           by_dnr: dict[str, list[Application]], problems: list[str]) -> Application | None:
    reference = row.get("application", "").lstrip("#")
    if reference:
        number = _application_number(reference)
        application = by_id.get(number) if number else None
        if application is None:
            problems.append(_("there is no decided application number %(ref)s")
                            % {"ref": reference[:20]})
        return application
    dnr = " ".join(row.get("case_number", "").split()).upper()
    matches = by_dnr.get(dnr, []) if dnr else []
    if not dnr:
        problems.append(_("the row names no application number or case number"))
    elif not matches:
        problems.append(_("there is no decision with case number %(dnr)s")
                        % {"dnr": dnr[:60]})
    elif len(matches) > 1:
        problems.append(_("case number %(dnr)s has several decisions: give the application's "
                          "number in the column ansökan") % {"dnr": dnr[:60]})
    else:
        return matches[0]
    return None

