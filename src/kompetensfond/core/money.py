"""Money: SEK as ``Decimal`` with exactly two places.

Parse what Swedish users type ("1 234 567,50", "1234567.50", "1 234 567 kr", "−500") and
format the Swedish way (``1 234 567,50 kr`` with no-break spaces, U+2212 for minus).
No float anywhere; a value with more than two decimals is an error, never rounded.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NewType

from django.db import models
from django.utils.translation import gettext as _

from .errors import ValidationError

Money = NewType("Money", Decimal)

CENT = Decimal("0.01")
MONEY_MAX = Decimal("999999999999.99")  # the largest amount a MoneyField (14, 2) holds
MAX_DIGITS = 14
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("999999999999.99")
NBSP = "\xa0"
MINUS = "\u2212"
_SPACES = (" ", NBSP, "\u202f", "\u2009")

# Integer part: plain digits, or groups of three separated by one kind of space.
_NUMBER = re.compile(
    r"^(?P<sign>[-+])?(?P<int>\d{1,3}(?:(?P<sep>[ ])\d{3})(?:(?P=sep)\d{3})*|\d+)"
    r"(?:[,.](?P<frac>\d+))?$"
)
_SUFFIX = re.compile(r"\s*(kr|kronor|sek|:-)\.?$", re.IGNORECASE)


class MoneyParseError(ValueError):
    """A text that is not an amount in kronor. The message is in the UI language."""


def to_money(value: Decimal | int | str) -> Money:
    """Return ``value`` as Money; refuses more than two decimals and values out of range."""
    if isinstance(value, float):  # pragma: no cover - guarded for callers that ignore types
        raise TypeError("float is never money")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise MoneyParseError(_("Enter an amount in kronor, for example 1 234,50.")) from exc
    if not amount.is_finite():
        raise MoneyParseError(_("Enter an amount in kronor, for example 1 234,50."))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMAL_PLACES and amount != amount.quantize(
        CENT
    ):
        raise MoneyParseError(_("An amount can have at most two decimals (öre)."))
    if abs(amount) > MAX_AMOUNT:
        raise MoneyParseError(_("The amount is too large."))
    return Money(amount.quantize(CENT))


def parse_money(text: str) -> Money:
    """Parse a Swedish or plain amount typed by a person into Money."""
    if not isinstance(text, str):
        raise MoneyParseError(_("Enter an amount in kronor, for example 1 234,50."))
    cleaned = text.strip().replace(MINUS, "-")
    cleaned = _SUFFIX.sub("", cleaned).strip()
    for space in _SPACES[1:]:
        cleaned = cleaned.replace(space, " ")
    cleaned = re.sub(r"^([-+])\s+", r"\1", cleaned)
    match = _NUMBER.match(cleaned)
    if not match:
        raise MoneyParseError(_("Enter an amount in kronor, for example 1 234,50."))
    integer = match.group("int").replace(" ", "")
    frac = match.group("frac")
    if frac is not None and len(frac) > DECIMAL_PLACES:
        raise MoneyParseError(_("An amount can have at most two decimals (öre)."))
    sign = "-" if match.group("sign") == "-" else ""
    return to_money(Decimal(f"{sign}{integer}.{frac or '0'}"))


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def format_amount(amount: Decimal, *, sep: str = NBSP, decimals: int = 2) -> str:
    """Swedish number: ``1 234 567,50`` (no-break spaces, decimal comma, U+2212 minus)."""
    quantum = Decimal(1).scaleb(-decimals)
    value = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = MINUS if value < 0 else ""
    integer, _dot, frac = f"{abs(value):f}".partition(".")
    text = _group(integer, sep)
    return f"{sign}{text},{frac}" if decimals else f"{sign}{text}"


def format_money(amount: Decimal) -> str:
    """``1 234 567,50 kr``: the way every amount is shown in the UI, PDFs and exports."""
    return f"{format_amount(amount)}{NBSP}kr"


def format_mnkr(amount: Decimal) -> str:
    """Summary form in millions: ``6,2 mnkr``."""
    return f"{format_amount(amount / Decimal(1_000_000), decimals=1)}{NBSP}mnkr"


def as_api_string(amount: Decimal) -> str:
    """API and SIE form: decimal point, two places, no grouping ("1234.50")."""
    return f"{amount.quantize(CENT):f}"


class MoneyField(models.DecimalField):  # type: ignore[type-arg]
    """All money in the database: ``DecimalField(max_digits=14, decimal_places=2)``."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["max_digits"] = MAX_DIGITS
        kwargs["decimal_places"] = DECIMAL_PLACES
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        return name, path, args, kwargs


def _to_cents(value: Decimal | None, expression: object, connection: object) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


class MoneySum(models.Sum):
    """``Sum`` of money that comes back as an exact two-place Decimal on every database.

    PostgreSQL sums ``numeric`` exactly. SQLite has no decimal type: it sums as floating
    point and Django hands back up to 15 significant digits (0.0100000000020373 for 0.01).
    Rounding to öre restores the exact sum while the float error stays below half an öre,
    which holds far beyond any fund's size (found by the ledger's property test)."""

    def __init__(self, *expressions: object, **extra: object) -> None:
        extra.setdefault("output_field", MoneyField())
        super().__init__(*expressions, **extra)  # type: ignore[arg-type]

    def get_db_converters(self, connection: object) -> list[object]:  # type: ignore[override]
        return [*super().get_db_converters(connection), _to_cents]  # type: ignore[arg-type]


def positive_amount(value: Decimal | int | str) -> Decimal:
    """A transaction amount: more than zero, at most two decimals."""
    if isinstance(value, float):
        raise ValidationError(_("Enter an amount in kronor, for example 1 234,50."))
    try:
        amount = to_money(value)
    except MoneyParseError as exc:
        raise ValidationError(str(exc), fields={"amount": [str(exc)]}) from exc
    if amount <= Decimal(0):
        message = _("The amount must be more than 0 kr.")
        raise ValidationError(message, fields={"amount": [message]})
    return amount
