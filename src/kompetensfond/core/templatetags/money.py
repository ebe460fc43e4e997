"""``{% load money %}``: ``{{ amount|kr }}`` → ``1 234 567,50 kr``; ``{{ amount|mnkr }}`` →
``6,2 mnkr``; ``{{ part|share:whole }}`` → ``42,5 %``; ``{{ amount|api }}`` → ``1234.50``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from kompetensfond.core.money import NBSP, as_api_string, format_amount, format_mnkr, format_money

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


@register.filter
def kr(value: Any) -> str:
    amount = _decimal(value)
    return "–" if amount is None else format_money(amount)


@register.filter
def mnkr(value: Any) -> str:
    amount = _decimal(value)
    return "–" if amount is None else format_mnkr(amount)


@register.filter
def share(part: Any, whole: Any) -> str:
    """Percentage with one decimal, Swedish style; "–" when the whole is zero."""
    p, w = _decimal(part), _decimal(whole)
    if p is None or not w:
        return "–"
    return f"{format_amount(p * 100 / w, decimals=1)}{NBSP}%"


@register.filter
def api(value: Any) -> str:
    amount = _decimal(value)
    return "" if amount is None else as_api_string(amount)

