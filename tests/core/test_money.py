from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompetensfond.core.money import (
    MAX_AMOUNT,
    MoneyParseError,
    as_api_string,
    format_mnkr,
    format_money,
    parse_money,
    to_money,
)

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234 567,50", "1234567.50"),
        ("1234567.50", "1234567.50"),
        ("1 234 567 kr", "1234567.00"),
        (f"1{NBSP}234{NBSP}567,50{NBSP}kr", "1234567.50"),
        ("1\u202f234,5", "1234.50"),
        ("\u22121 234,00 kr", "-1234.00"),
        ("-500", "-500.00"),
        ("0,01", "0.01"),
        ("10000", "10000.00"),
        ("  42 SEK ", "42.00"),
        ("150 000 000", "150000000.00"),
    ],
)
def test_swedish_and_plain_input_is_parsed_exactly(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1,234", "12,345", "1 23 456", "1..2", "1,2,3", "NaN", "Infinity", "1e5",
     "12 kr 50", "9999999999999,00"],
)
def test_malformed_or_over_precise_input_is_refused_in_swedish(text: str) -> None:
    with pytest.raises(MoneyParseError) as exc:
        parse_money(text)
    assert any(word in str(exc.value) for word in ("belopp", "decimaler", "stort"))


def test_three_decimals_are_refused_not_rounded() -> None:
    with pytest.raises(MoneyParseError, match="två decimaler"):
        parse_money("12,345")
    with pytest.raises(MoneyParseError):
        to_money(Decimal("0.005"))


def test_format_uses_no_break_spaces_decimal_comma_and_kr() -> None:
    assert format_money(Decimal("1234567")) == f"1{NBSP}234{NBSP}567,00{NBSP}kr"
    assert format_money(Decimal("-1234.5")) == f"\u22121{NBSP}234,50{NBSP}kr"
    assert format_money(Decimal("0")) == f"0,00{NBSP}kr"
    assert format_money(Decimal("999")) == f"999,00{NBSP}kr"


def test_summary_and_api_forms() -> None:
    assert format_mnkr(Decimal("6200000")) == f"6,2{NBSP}mnkr"
    assert as_api_string(Decimal("1234.5")) == "1234.50"


def test_float_is_never_money() -> None:
    with pytest.raises(TypeError):
        to_money(1.5)  # type: ignore[arg-type]


amounts = st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2,
                      allow_nan=False, allow_infinity=False)


@given(amounts)
def test_formatting_then_parsing_round_trips(amount: Decimal) -> None:
    assert parse_money(format_money(amount)) == amount


@given(amounts)
def test_api_string_round_trips(amount: Decimal) -> None:
    assert parse_money(as_api_string(amount)) == amount


@given(amounts)
def test_formatted_amount_with_plain_spaces_round_trips(amount: Decimal) -> None:
    assert parse_money(format_money(amount).replace(NBSP, " ")) == amount
