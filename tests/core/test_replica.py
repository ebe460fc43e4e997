"""Report reads go to the ``replica`` alias when one is configured: tested with a second
alias that points at the same PostgreSQL database (committed data, so both connections see
it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kompetensfond.core.models import User
from kompetensfond.core.replica import REPLICA, ReportReplicaRouter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer() -> User:
    call_command("generate", municipalities=2, employees=300, applications=80,
                 ledger_entries=600, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return User.objects.get(username="stockholm-handlaggare")


@pytest.fixture
def replica() -> Iterator[Any]:
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    # connected here: the test's guard refuses to open connections it was not told of, and
    # the test client keeps connections open between requests
    connections[REPLICA].connect()
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def on_each(client: Client, url: str) -> tuple[Any, list[str], list[str]]:
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(url)
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def test_report_pages_and_apis_read_from_the_replica(officer: User, replica: Any) -> None:
    client = Client()
    client.force_login(officer)
    for url in ("/rapporter/fordelning/?by=administration", "/rapporter/kon/",
                "/api/v1/reports/distribution/?by=administration",
                "/offentligt/stockholm/bidrag/"):
        response, primary, on_replica = on_each(client, url)
        assert response.status_code == 200, url
        assert any("ledger_" in sql or "applications_" in sql for sql in on_replica), url
        # the login is looked up on the primary, never on a replica that may lag
        assert not any("django_session" in sql for sql in on_replica), url
        assert not any("ledger_" in sql for sql in primary), url


def test_everything_else_stays_on_the_primary(officer: User, replica: Any) -> None:
    client = Client()
    client.force_login(officer)
    for url in ("/ansokningar/", "/fonder/", "/api/v1/applications/"):
        response, primary, on_replica = on_each(client, url)
        assert response.status_code == 200, url
        assert on_replica == [], url
        assert primary


def test_the_replica_gives_the_same_figures(officer: User, replica: Any) -> None:
    client = Client()
    client.force_login(officer)
    url = "/api/v1/reports/distribution/?by=administration"
    from_replica = client.get(url).json()
    del connections.settings[REPLICA]  # no replica configured: all on the primary
    try:
        response, _primary, on_replica = on_each(client, url)
    finally:
        connections.settings[REPLICA] = {**connections["default"].settings_dict}
    assert on_replica == []
    assert response.json() == from_replica
    assert from_replica["rows"]


def test_without_a_replica_the_router_leaves_everything_to_django() -> None:
    router = ReportReplicaRouter()
    assert REPLICA not in connections.settings
    assert router.db_for_read(User) is None
    assert router.db_for_write(User) is None
    assert router.allow_migrate(REPLICA, "core") is False
    assert router.allow_migrate("default", "core") is None
