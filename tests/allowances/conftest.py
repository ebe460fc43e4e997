from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from kompetensfond.allowances.models import Allowance, AllowanceScheme
from kompetensfond.allowances.services import ClaimInput, SchemeInput, scheme_create
from kompetensfond.core.models import Role, User
from kompetensfond.organisation.models import Employee, Occupation, OrgUnit

from ..factories import EmployeeFactory, OrgUnitFactory, member
from ..world import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SOCIAL_WORKER = "2661"  # SSYK 2012: socialsekreterare och kuratorer


@dataclass
class Staff:
    world: World
    social: OrgUnit  # an administration of social services
    team: OrgUnit  # a unit below it
    occupation: Occupation
    anna: Employee  # 100 %, employed long before
    bo: Employee  # 50 %
    cia: Employee  # another occupation
    anna_user: User
    bo_user: User
    manager: User  # manages the social services administration

    @property
    def today(self) -> datetime.date:
        return self.world.today

    def rules(self, **overrides: Any) -> SchemeInput:
        today = self.today
        values: dict[str, Any] = {
            "name": "Kompetensutvecklingspeng socialsekreterare",
            "amount": "10000.00",
            "period_start": datetime.date(today.year, 1, 1),
            "period_end": datetime.date(today.year, 12, 31),
            "expiry_date": datetime.date(today.year, 12, 31),
            "cutoff_date": datetime.date(today.year, 1, 1),
            "occupations": [self.occupation], "units": [self.social],
            "decision_reference": "SDN 2026-11-19 § 142"}
        values.update(overrides)
        return SchemeInput(**values)

    def scheme(self, **overrides: Any) -> AllowanceScheme:
        return scheme_create(actor=self.world.officer, fund=self.world.fund,
                             data=self.rules(**overrides))

    def allowance(self, scheme: AllowanceScheme, employee: Employee) -> Allowance:
        return Allowance.objects.get(scheme=scheme, employee=employee)


def claim_input(cost: str = "2500.00", **overrides: Any) -> ClaimInput:
    today = datetime.date.today()
    values: dict[str, Any] = {
        "activity": "Kurs i motiverande samtal", "provider": "Socionomförbundet",
        "category": "course", "start_date": today, "end_date": today, "cost": cost,
        "receipt_name": "kvitto.pdf", "receipt": PDF,
        "development_plan": "Utvecklingssamtal 2026: samtalsmetodik"}
    values.update(overrides)
    return ClaimInput(**values)


@pytest.fixture
def staff(world: World) -> Staff:
    municipality = world.municipality
    social = OrgUnitFactory(municipality=municipality, name="Socialförvaltningen",
                            sector="social_services")
    team = OrgUnitFactory(municipality=municipality, parent=social, name="Barn och unga")
    occupation = Occupation.objects.get(ssyk_code=SOCIAL_WORKER)
    anna_user = member(municipality, Role.EMPLOYEE, username="anna", email="anna@k.invalid")
    bo_user = member(municipality, Role.EMPLOYEE, username="bo", email="bo@k.invalid")
    start = datetime.date(world.today.year - 3, 1, 1)
    anna = EmployeeFactory(unit=team, occupation=occupation, first_name="Anna",
                           last_name="Ek", start_date=start, user=anna_user)
    bo = EmployeeFactory(unit=team, occupation=occupation, first_name="Bo", last_name="Ström",
                         employment_rate=Decimal(50), start_date=start, gender="man",
                         email="bo@k.invalid")
    cia = EmployeeFactory(unit=team, occupation=Occupation.objects.get(ssyk_code="5321"),
                          first_name="Cia", last_name="Holm", start_date=start)
    manager = member(municipality, Role.UNIT_MANAGER, unit=social, username="socialchef")
    return Staff(world, social, team, occupation, anna, bo, cia, anna_user, bo_user, manager)
