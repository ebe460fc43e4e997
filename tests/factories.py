"""Test data. Factories write rows directly (fast); services are tested on their own."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import factory

from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.models import Membership, Municipality, Role, RoleAssignment, User
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Body, BodyKind, Employee, Gender, OrgUnit, Sector

_orgnr = itertools.count(1)


def _luhn_complete(nine: str) -> str:
    for check in range(10):
        digits = nine + str(check)
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return f"{digits[:6]}-{digits[6:]}"
    raise AssertionError


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    slug = factory.Sequence(lambda n: f"test-{n}")
    organisation_number = factory.LazyFunction(
        lambda: _luhn_complete(f"212{next(_orgnr):06d}")
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", "Rätt-lösenord-123")

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


PASSWORD = "Rätt-lösenord-123"


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = BodyKind.COMMITTEE


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    cost_centre = factory.Sequence(lambda n: f"{1000 + n}")
    sector = Sector.EDUCATION
    kind = factory.LazyAttribute(lambda o: "unit" if o.parent else "administration")
    parent = None

    @factory.post_generation
    def _path(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.depth = (self.parent.depth + 1) if self.parent else 0
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if create:
            self.save(update_fields=["path", "depth"])


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    municipality = factory.LazyAttribute(lambda o: o.unit.municipality)
    unit = factory.SubFactory(OrgUnitFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:06d}")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Andersson {n}")
    gender = Gender.WOMAN


def member(municipality: Municipality, *roles: str, unit: OrgUnit | None = None,
           **user_kwargs: object) -> User:
    """A user in ``municipality`` with ``roles`` (a unit manager's scope is ``unit``)."""
    user = UserFactory(**user_kwargs)
    membership = Membership.objects.create(user=user, municipality=municipality)
    for role in roles:
        RoleAssignment.objects.create(
            membership=membership, role=role, unit=unit if role == Role.UNIT_MANAGER else None
        )
    return user


class FundFactory(factory.django.DjangoModelFactory):
    """A fund with no money yet: give it capital with ``fund_with_capital``."""

    class Meta:
        model = Fund

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Kompetensfonden {n}")
    start_date = datetime.date(2024, 1, 1)
    end_date = datetime.date(2027, 12, 31)
    owning_body = factory.LazyAttribute(
        lambda o: BodyFactory(municipality=o.municipality, name=f"Kommunstyrelsen {o.name}"))


def fund_with_capital(municipality: Municipality, amount: str = "1000000.00",
                      **fund_kwargs: object) -> Fund:
    """A fund with one contribution of ``amount``, recorded through the real service."""
    from kompetensfond.funds.services import contribution_record

    fund = FundFactory(municipality=municipality, **fund_kwargs)
    contribution_record(actor=SYSTEM, fund=fund, amount=Decimal(amount), on=fund.start_date,
                        source="surplus", decision_body=fund.owning_body,
                        decision_date=fund.start_date, paragraph=1, case_number="KS 2024/1")
    return fund


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


class PlanFactory(factory.django.DjangoModelFactory):
    """An adopted competence-supply plan valid from two years ago to three years ahead."""

    class Meta:
        model = "plans.Plan"

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Kompetensförsörjningsplan {n}")
    valid_from = factory.LazyFunction(lambda: datetime.date(today().year - 2, 1, 1))
    valid_to = factory.LazyFunction(lambda: datetime.date(today().year + 3, 12, 31))
    status = "adopted"


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Strategy"

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"S{n + 1}")
    title = factory.Sequence(lambda n: f"Strategi {n + 1}")


class GuidelineFactory(factory.django.DjangoModelFactory):
    """Guidelines for a fund: course fees and salary during studies, a ceiling of 600 000
    kr per application, a strategy required, no application rounds (always open)."""

    class Meta:
        model = "plans.Guideline"

    fund = factory.SubFactory("tests.factories.FundFactory")
    eligible_cost_types = factory.LazyFunction(lambda: ["course_fee", "salary_during_studies",
                                                        "travel"])
    max_per_application = Decimal("600000.00")
    requires_strategy = True


class RoundFactory(factory.django.DjangoModelFactory):
    """An application round open from a month ago to a month ahead."""

    class Meta:
        model = "plans.ApplicationRound"

    guideline = factory.SubFactory(GuidelineFactory)
    name = factory.Sequence(lambda n: f"Omgång {n + 1}")
    opens_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30))
    closes_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a body, today."""

    class Meta:
        model = "applications.Meeting"

    body = factory.SubFactory(BodyFactory)
    date = factory.LazyFunction(today)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application with one budget line of ``amount`` (course fee, this year),
    written directly: use the services to move it along its life cycle."""

    class Meta:
        model = "applications.Application"
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    municipality = factory.LazyAttribute(lambda o: o.fund.municipality)
    unit = factory.LazyAttribute(lambda o: OrgUnitFactory(municipality=o.fund.municipality))
    contact = factory.LazyAttribute(lambda o: member(o.fund.municipality, Role.UNIT_MANAGER,
                                                     unit=o.unit))
    created_by = factory.LazyAttribute(lambda o: o.contact)
    title = factory.Sequence(lambda n: f"Utbildning {n + 1}")
    participants_women = 6
    participants_men = 2

    @factory.post_generation
    def amount(self, create: bool, extracted: object, **kwargs: object) -> None:
        from kompetensfond.applications.models import BudgetLine

        if create:
            BudgetLine.objects.create(application=self, cost_type="course_fee",
                                      year=today().year,
                                      amount=Decimal(str(extracted or "100000.00")))
