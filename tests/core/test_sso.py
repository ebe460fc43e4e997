"""Login with the municipality's identity provider (OpenID Connect), against a real
provider started by the test (tests/oidc_provider.py): RS256-signed id tokens, discovery,
the code flow with PKCE; roles from groups; another municipality's person refused; logout
at the provider too."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core.cache import cache
from django.test import Client

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.models import Role, User
from tests.factories import member
from tests.oidc_provider import Person, Provider

pytestmark = pytest.mark.django_db
ANNA = Person(sub="a1b2c3", email="anna.ek@sodertalje.se", given_name="Anna",
              family_name="Ek", groups=["kf-handlaggare"])


@pytest.fixture
def provider(settings, municipality) -> Iterator[Provider]:
    idp = Provider()
    settings.SSO_OIDC = {"sodertalje": {
        "issuer": idp.issuer, "client_id": "kf-sodertalje", "client_secret": "hemligt",
        "roles": {"kf-handlaggare": Role.FUND_ADMIN, "kf-politiker": Role.VIEWER}}}
    cache.clear()  # no discovery document of an earlier test's provider
    yield idp
    idp.stop()


def log_in(client: Client, idp: Provider, person: Person) -> str:
    """The browser's round trip: the app → the provider (who logs the person in) → the
    app's callback. Returns where the app sends the browser at the end."""
    idp.person = person
    start = client.get("/sso/sodertalje/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"]  # PKCE
    at_provider = requests.get(authorize, allow_redirects=False, timeout=10)
    callback = urlparse(at_provider.headers["Location"])
    done = client.get(callback.path + "?" + callback.query)
    assert done.status_code == 302
    return str(done["Location"])


def test_the_login_page_offers_the_municipality_s_provider(client, provider) -> None:
    page = client.get("/logga-in/").content.decode()
    assert "Logga in med Södertälje kommun" in page
    assert 'href="/sso/sodertalje/"' in page


def test_a_first_login_creates_the_member_with_roles_from_groups(client, provider,
                                                                 municipality) -> None:
    assert log_in(client, provider, ANNA) == "/"
    user = User.objects.get(external_id="oidc:sodertalje:a1b2c3")
    assert user.membership.municipality == municipality
    assert {r.role for r in user.membership.roles.all()} == {Role.FUND_ADMIN}
    assert not user.has_usable_password()  # the provider is the only way in
    assert client.get("/fonder/").status_code == 200  # logged in, as a case officer
    assert AuditEvent.objects.filter(action="user.sso_created", object_id=str(user.pk)).exists()
    # the next login finds the same member; a changed group changes the role
    client.logout()
    log_in(client, provider, Person(**{**ANNA.__dict__, "groups": ["kf-politiker"]}))
    user.refresh_from_db()
    assert User.objects.filter(external_id__startswith="oidc:").count() == 1
    assert {r.role for r in user.membership.roles.all()} == {Role.VIEWER}
    assert AuditEvent.objects.filter(action="user.roles_synced").exists()


def test_an_existing_member_is_linked_by_e_mail(client, provider, municipality) -> None:
    local = member(municipality, Role.REVIEWER, username="anna", email="Anna.Ek@sodertalje.se")
    log_in(client, provider, ANNA)
    local.refresh_from_db()
    assert local.external_id == "oidc:sodertalje:a1b2c3"
    assert int(client.session["_auth_user_id"]) == local.pk


def test_a_person_of_another_municipality_is_refused(client, provider,
                                                     other_municipality) -> None:
    member(other_municipality, Role.FUND_ADMIN, username="anna-botkyrka",
           email=ANNA.email)
    assert log_in(client, provider, ANNA) == "/logga-in/?sso=nekad"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(external_id__startswith="oidc:").exists()
    page = client.get("/logga-in/?sso=nekad").content.decode()
    assert "nekades" in page


@pytest.mark.parametrize("forgery", ["other_key", "other_audience"])
def test_a_token_not_signed_for_us_is_refused(client, provider, forgery) -> None:
    if forgery == "other_key":
        provider.sign_with_other_key = True  # not the key the provider's JWKS publishes
    else:
        provider.audience = "kf-botkyrka"  # issued to another municipality's client
    assert log_in(client, provider, ANNA) == "/logga-in/?sso=nekad"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(external_id__startswith="oidc:").exists()


def test_logout_ends_the_session_here_and_at_the_provider(client, provider) -> None:
    log_in(client, provider, ANNA)
    response = client.post("/logga-ut/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider.issuer}/logout?")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogga-in%2F" in response[
        "Location"]
    assert "_auth_user_id" not in client.session
    assert client.get("/fonder/").status_code == 302  # to the login page


def test_an_unknown_municipality_has_no_sso(client, provider) -> None:
    assert client.get("/sso/botkyrka/").status_code == 404


def test_a_provider_that_does_not_answer_is_said_in_words(client, provider) -> None:
    provider.stop()  # the identity provider is down
    response = client.get("/sso/sodertalje/")
    assert response.status_code == 302
    assert response["Location"] == "/logga-in/?sso=svarar-inte"
    assert "svarar inte just nu" in client.get(response["Location"]).content.decode()
