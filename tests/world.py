"""One world for the tests of applications and the API: a fund in use today with
1 000 000 kr, an adopted plan with a strategy, guidelines with a ceiling and a delegation,
an administration with a unit, and one person in each role. Helpers carry an application
along its life cycle through the real services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kompetensfond.applications.models import Application, Decision, Outcome
from kompetensfond.applications.services import (
    Line,
    application_create,
    application_recommend,
    application_submit,
    decision_record_at_meeting,
)
from kompetensfond.core.models import Municipality, Role, User
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Body, OrgUnit
from kompetensfond.plans.models import DelegationRule, Guideline, Plan, Strategy
from tests.factories import (
    BodyFactory,
    GuidelineFactory,
    OrgUnitFactory,
    PlanFactory,
    StrategyFactory,
    fund_with_capital,
    member,
)

CAPITAL = Decimal("1000000.00")
CEILING = Decimal("600000.00")
DELEGATION_LIMIT = Decimal("100000.00")


@dataclass
class World:
    municipality: Municipality
    fund: Fund
    body: Body
    plan: Plan
    strategy: Strategy
    guideline: Guideline
    delegation: DelegationRule
    administration: OrgUnit
    unit: OrgUnit
    officer: User
    manager: User
    secretary: User
    reviewer: User

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def draft(self, amount: str = "400000.00", *, actor: User | None = None,
              **overrides: Any) -> Application:
        """A draft by the unit's manager (or ``actor``) for the world's strategy."""
        values: dict[str, Any] = {
            "title": "Undersköterskeutbildning", "purpose": "Behörighet",
            "participants_women": 14, "participants_men": 2,
            "lines": [Line("course_fee", self.today.year, amount)],
            "strategies": [self.strategy]}
        values.update(overrides)
        return application_create(actor=actor or self.manager,
                                  fund=values.pop("fund", self.fund),
                                  unit=values.pop("unit", self.unit), **values)

    def submitted(self, amount: str = "400000.00", **overrides: Any) -> Application:
        application = self.draft(amount, **overrides)
        return application_submit(actor=self.manager, application=application)

    def recommended(self, amount: str = "400000.00", *, outcome: str = Outcome.GRANTED,
                    proposed: str | None = None, **overrides: Any) -> Application:
        """Submitted and given the case officer's proposal."""
        application = self.submitted(amount, **overrides)
        return application_recommend(actor=self.officer, application=application,
                                     outcome=outcome, amount=proposed,
                                     reason="Bygger på strategi S1.")

    def decided(self, requested: str = "400000.00", **decision: Any) -> Decision:
        """Granted by the body at its meeting today, with the next § (``decision`` may give
        the outcome, amount, § and the rest)."""
        application = self.recommended(requested)
        decision.setdefault("outcome", Outcome.GRANTED)
        return decision_record_at_meeting(actor=self.secretary, application=application,
                                          on=decision.pop("on", self.today), **decision)


@pytest.fixture
def world(municipality: Municipality, fund_admin: User, ssyk: None) -> World:
    today = timezone.localdate()
    fund = fund_with_capital(municipality, str(CAPITAL),
                             start_date=datetime.date(today.year - 2, 1, 1),
                             end_date=datetime.date(today.year + 3, 12, 31))
    plan = PlanFactory(municipality=municipality)
    strategy = StrategyFactory(plan=plan, code="S1", title="Nya roller i omsorgen")
    guideline = GuidelineFactory(fund=fund, plan=plan, max_per_application=CEILING)
    delegation = DelegationRule.objects.create(
        guideline=guideline, body=fund.owning_body, max_amount=DELEGATION_LIMIT,
        delegation_point="4.3", delegate_role=Role.FUND_ADMIN)
    administration = OrgUnitFactory(municipality=municipality, name="Äldreomsorgen")
    unit = OrgUnitFactory(municipality=municipality, parent=administration,
                          name="Hemtjänst Öst", cost_centre="4110")
    return World(
        municipality=municipality, fund=fund, body=fund.owning_body, plan=plan,
        strategy=strategy, guideline=guideline, delegation=delegation,
        administration=administration, unit=unit, officer=fund_admin,
        manager=member(municipality, Role.UNIT_MANAGER, unit=administration, username="chef",
                       email="chef@kommun.invalid"),
        secretary=member(municipality, Role.SECRETARY, username="sara"),
        reviewer=member(municipality, Role.REVIEWER, username="bertil"))


@pytest.fixture
def other_body(municipality: Municipality) -> Body:
    return BodyFactory(municipality=municipality, name="Personalutskottet")
