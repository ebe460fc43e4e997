"""Every rule of the guideline check, at its boundaries. The check is a pure function: no
database."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kompetensfond.plans.checks import (
    ApplicationData,
    BudgetLine,
    Delegation,
    GuidelineRules,
    Round,
    Severity,
    delegate_for,
    guideline_check,
)

STHLM = ZoneInfo("Europe/Stockholm")
SPRING = Round("Våren 2025", datetime(2025, 3, 1, 0, 0, tzinfo=STHLM),
               datetime(2025, 3, 31, 0, 0, tzinfo=STHLM))  # the clocks go forward 30 March
INSIDE = datetime(2025, 3, 15, 12, 0, tzinfo=STHLM)


def rules(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "eligible_cost_types": frozenset({"course_fee", "salary_during_studies"}),
        "max_per_application": Decimal("500000.00"),
        "max_per_participant": Decimal("25000.00"),
        "min_cofunding_percent": Decimal("25.00"),
        "requires_strategy": True,
        "plan_strategy_ids": frozenset({1, 2}),
        "shortage_ssyk_codes": frozenset({"2343", "2661"}),
        "rounds": (SPRING,),
    }
    values.update(overrides)
    return GuidelineRules(**values)


def app(amount: str = "300000.00", **overrides):  # type: ignore[no-untyped-def]
    values = {"budget": [BudgetLine("course_fee", Decimal(amount))], "participants": 20,
              "cofunding": Decimal("100000.00"), "strategy_ids": [1],
              "occupation_codes": ["2343"], "at": INSIDE}
    values.update(overrides)
    return ApplicationData(**values)


def codes(findings) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in findings]


def test_a_good_application_has_no_findings() -> None:
    assert guideline_check(rules(), app()) == []


def test_ineligible_cost_type_blocks() -> None:
    findings = guideline_check(rules(), app(budget=[BudgetLine("travel", Decimal("1000"))]))
    assert codes(findings) == ["cost_type_not_eligible"]
    assert findings[0].blocks
    assert findings[0].message == "Resa och logi är inte en godkänd kostnad i den här fonden."


def test_application_ceiling_exactly_and_one_ore_over() -> None:
    funded = Decimal("200000.00")
    assert guideline_check(rules(), app("500000.00", participants=30, cofunding=funded)) == []
    findings = guideline_check(rules(), app("500000.01", participants=30, cofunding=funded))
    assert codes(findings) == ["over_application_ceiling"]
    assert "500\xa0000,01\xa0kr" in findings[0].message
    assert "500\xa0000,00\xa0kr" in findings[0].message


def test_participant_ceiling_exactly_and_one_ore_over() -> None:
    assert guideline_check(rules(), app("250000.00", participants=10)) == []
    findings = guideline_check(rules(), app("250000.01", participants=10))
    assert codes(findings) == ["over_participant_ceiling"]
    assert "25\xa0000,00\xa0kr" in findings[0].message


def test_no_participants_or_no_amount_block() -> None:
    assert "no_participants" in codes(guideline_check(rules(), app(participants=0)))
    assert "no_amount" in codes(guideline_check(rules(), app(budget=[])))


def test_strategy_rules() -> None:
    assert codes(guideline_check(rules(), app(strategy_ids=[]))) == ["no_strategy"]
    assert guideline_check(rules(requires_strategy=False), app(strategy_ids=[])) == []
    assert codes(guideline_check(rules(), app(strategy_ids=[1, 99]))) == [
        "strategy_not_in_plan"]


def test_co_funding_is_a_warning_at_the_boundary() -> None:
    # 100,000 of 400,000 is exactly 25 %
    assert guideline_check(rules(), app("300000.00", cofunding=Decimal("100000.00"))) == []
    findings = guideline_check(rules(), app("300000.00", cofunding=Decimal("99999.99")))
    assert codes(findings) == ["low_cofunding"]
    assert findings[0].severity == Severity.WARNING
    assert not findings[0].blocks
    assert "25\xa0%" in findings[0].message


def test_the_co_funding_message_never_rounds_up_to_the_minimum() -> None:
    # 99,999.99 of 399,999.99 is 24.9999981…%: below 25 %, and the message says so
    findings = guideline_check(rules(), app("300000.00", cofunding=Decimal("99999.99")))
    assert "24,999998\xa0%" in findings[0].message
    assert "är 25\xa0%" not in findings[0].message
    # one öre above the share needs no more than one decimal to be told apart
    findings = guideline_check(rules(), app("300000.00", cofunding=Decimal("90000.00")))
    assert "23,1\xa0%" in findings[0].message


def test_not_a_shortage_occupation_is_a_warning() -> None:
    findings = guideline_check(rules(), app(occupation_codes=["5321"]))
    assert codes(findings) == ["not_shortage_occupation"]
    assert not findings[0].blocks
    assert guideline_check(rules(), app(occupation_codes=[])) == []


@pytest.mark.parametrize(("moment", "is_open"), [
    (datetime(2025, 2, 28, 23, 59, 59, tzinfo=STHLM), False),
    (datetime(2025, 3, 1, 0, 0, tzinfo=STHLM), True),   # opens at midnight, inclusive
    (datetime(2025, 3, 30, 1, 59, tzinfo=STHLM), True),  # before the clocks go forward
    (datetime(2025, 3, 30, 3, 0, tzinfo=STHLM), True),   # after: 02:00 became 03:00
    (datetime(2025, 3, 30, 23, 59, 59, tzinfo=STHLM), True),
    (datetime(2025, 3, 31, 0, 0, tzinfo=STHLM), False),  # closes at midnight, exclusive
])
def test_round_open_and_close_instants_across_daylight_saving(moment, is_open) -> None:
    findings = codes(guideline_check(rules(), app(at=moment)))
    assert ("round_closed" not in findings) is is_open


def test_round_closing_when_the_clocks_go_back() -> None:
    autumn = Round("Hösten", datetime(2025, 10, 1, tzinfo=STHLM),
                   datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=STHLM))  # the second 02:30
    first_0230 = datetime(2025, 10, 26, 2, 30, fold=0, tzinfo=STHLM)  # an hour earlier
    assert autumn.is_open(first_0230)
    assert not autumn.is_open(datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=STHLM))
    assert (autumn.closes_at.astimezone(ZoneInfo("UTC"))
            - first_0230.astimezone(ZoneInfo("UTC"))).total_seconds() == 3600


def test_closed_round_names_the_next_one() -> None:
    later = Round("Hösten", datetime(2025, 9, 1, 8, 0, tzinfo=STHLM),
                  datetime(2025, 9, 30, tzinfo=STHLM))
    findings = guideline_check(rules(rounds=(SPRING, later)),
                               app(at=datetime(2025, 6, 1, tzinfo=STHLM)))
    assert codes(findings) == ["round_closed"]
    assert "2025-09-01 08:00" in findings[0].message
    assert guideline_check(rules(rounds=()), app(at=datetime(2030, 1, 1, tzinfo=STHLM))) == []


def test_errors_come_before_warnings() -> None:
    findings = guideline_check(rules(), app(cofunding=Decimal(0), strategy_ids=[],
                                            occupation_codes=["5321"]))
    assert [f.severity for f in findings] == [Severity.ERROR, Severity.WARNING,
                                              Severity.WARNING]


def test_delegate_for_picks_the_lowest_covering_limit() -> None:
    delegations = [Delegation(Decimal("100000.00"), "3.1", "Förvaltningschef"),
                   Delegation(Decimal("500000.00"), "3.2", "Personalutskottet")]
    assert delegate_for(delegations, Decimal("100000.00")).delegation_point == "3.1"
    assert delegate_for(delegations, Decimal("100000.01")).delegation_point == "3.2"
    assert delegate_for(delegations, Decimal("500000.01")) is None  # the body decides
