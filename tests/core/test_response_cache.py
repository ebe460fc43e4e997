"""A list page answered from the cache for its session until the municipality's data
changes (``core.response_cache``)."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept_pages(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RESPONSE_CACHE = True
    settings.SESSION_RENEW_SECONDS = 60

LIST = "/ansokningar/"
NONCE = re.compile(r'nonce="([^"]+)"')


def fetch(client: Client) -> tuple[str, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    header = response["Content-Security-Policy"]
    nonces = set(NONCE.findall(body))
    assert len(nonces) == 1  # one nonce per answer, in the page …
    (nonce,) = nonces
    assert f"'nonce-{nonce}'" in header  # … and the same in the header
    return body, len(queries), nonce


def test_the_second_request_is_answered_from_the_cache_with_a_fresh_nonce(world) -> None:
    world.draft(title="Språkombud i hemtjänsten")
    client = Client()
    client.force_login(world.officer)
    fetch(client)  # the browser's first visit: it gets its CSRF cookie (part of the key)
    first, first_queries, first_nonce = fetch(client)
    second, second_queries, second_nonce = fetch(client)
    assert "Språkombud i hemtjänsten" in second
    assert second_queries < first_queries  # no query of the page's own
    assert second_nonce != first_nonce  # never reused
    assert second.replace(second_nonce, "") == first.replace(first_nonce, "")


def test_a_write_in_the_municipality_shows_at_once(world, django_capture_on_commit_callbacks
                                                   ) -> None:
    client = Client()
    client.force_login(world.officer)
    fetch(client)  # the first visit sets the CSRF cookie
    before, _q, _n = fetch(client)  # kept from here on
    assert "Validering av vårdbiträden" not in before
    with django_capture_on_commit_callbacks(execute=True):
        world.draft(title="Validering av vårdbiträden")
    after, _q, _n = fetch(client)
    assert "Validering av vårdbiträden" in after


def test_each_session_has_its_own_page(world) -> None:
    officer, manager = Client(), Client()
    officer.force_login(world.officer)
    manager.force_login(world.manager)
    fetch(officer)
    body, _q, _n = fetch(manager)
    assert world.manager.first_name in body or world.manager.username in body


def test_a_pending_message_is_shown_not_a_kept_page(world, rf) -> None:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.http import HttpResponse

    client = Client()
    client.force_login(world.officer)
    fetch(client)
    fetch(client)  # kept now
    # a flash message as a view leaves it after a POST: the next page must show it
    request = rf.get(LIST)
    request.session = client.session
    storage = FallbackStorage(request)
    storage.add(constants.SUCCESS, "Ansökan är sparad.")
    response = HttpResponse()
    storage.update(response)
    request.session.save()
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
    body, _q, _n = fetch(client)
    assert "Ansökan är sparad." in body
    again, _q, _n = fetch(client)
    assert "Ansökan är sparad." not in again  # shown once, as always
