from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from kompetensfond.core.models import Municipality, Role, User

from .factories import MunicipalityFactory, OrgUnitFactory, member
from .world import other_body, world  # noqa: F401 - fixtures for every test package


def pytest_runtest_setup(item: pytest.Item) -> None:
    """PostgreSQL tests are deselected on SQLite runs (-m "not postgres"), never skipped:
    selected on another database they fail."""
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it in the PostgreSQL pass (make test).")


@pytest.fixture(autouse=True)
def _swedish(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def municipality(db: None) -> Municipality:
    return MunicipalityFactory(name="Södertälje kommun", slug="sodertalje")


@pytest.fixture
def other_municipality(db: None) -> Municipality:
    return MunicipalityFactory(name="Botkyrka kommun", slug="botkyrka")


@pytest.fixture
def fund_admin(municipality: Municipality) -> User:
    return member(municipality, Role.FUND_ADMIN, username="hanna")


@pytest.fixture
def viewer(municipality: Municipality) -> User:
    return member(municipality, Role.VIEWER, username="per")


@pytest.fixture
def reviewer(municipality: Municipality) -> User:
    return member(municipality, Role.REVIEWER, username="bertil")


@pytest.fixture
def unit_manager(municipality: Municipality) -> User:
    unit = OrgUnitFactory(municipality=municipality, name="Äldreomsorgsförvaltningen")
    return member(municipality, Role.UNIT_MANAGER, unit=unit, username="charlotte")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def ssyk(db: None) -> None:
    """SSYK 2012 reference data, loaded by the same code as migrations 0003 and 0005."""
    import importlib

    from django.apps import apps

    from kompetensfond.organisation.models import Occupation

    if not Occupation.objects.exists():
        for name in ("0003_load_ssyk2012", "0005_swedish_occupation_names"):
            importlib.import_module(f"kompetensfond.organisation.migrations.{name}").load(
                apps, None)


@pytest.fixture(autouse=True)
def _fresh_account_cache():  # type: ignore[no-untyped-def]
    """The ledger caches committed account ids per process. Tests roll their transactions
    back (and may run on-commit callbacks inside them), so each test starts without it."""
    from kompetensfond.ledger import services

    services._ACCOUNT_IDS.clear()
    yield
    services._ACCOUNT_IDS.clear()


@pytest.fixture
def stockholm(ssyk):  # type: ignore[no-untyped-def]
    """The demo's Stockholm as `make demo` loads it: one application in every state in a
    fund that runs today."""
    from kompetensfond.demo.funds import build_demo_funds
    from kompetensfond.demo.organisation import SPECS, build_municipality

    demo = build_municipality(next(s for s in SPECS if s.slug == "stockholm"))
    build_demo_funds(demo)
    return demo
