"""Validation of the amount of a ledger transaction."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from kompetensfond.core.errors import ValidationError
from kompetensfond.core.money import MoneyParseError, to_money

ZERO = Decimal("0.00")


def positive_amount(value: Decimal | int | str) -> Decimal:
    """A transaction amount: more than zero, at most two decimals."""
    if isinstance(value, float):
        raise ValidationError(_("Enter an amount in kronor, for example 1 234,50."))
    try:
        amount = to_money(value)
    except MoneyParseError as exc:
        raise ValidationError(str(exc), fields={"amount": [str(exc)]}) from exc
    if amount <= ZERO:
        message = _("The amount must be more than 0 kr.")
        raise ValidationError(message, fields={"amount": [message]})
    return amount
