"""Login with the municipality's SAML 2 identity provider, against an identity provider
built with pysaml2 in the test (signed assertions checked with xmlsec1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from saml2.metadata import create_metadata_string

from kompetensfond.core.models import Role, User
from kompetensfond.core.saml import config_loader
from tests.factories import member
from tests.saml_idp import SamlIdp

pytestmark = pytest.mark.django_db
ANNA = {"mail": ["anna.ek@sodertalje.se"], "givenName": ["Anna"], "sn": ["Ek"],
        "groups": ["kf-handlaggare"]}


@pytest.fixture
def idp(settings, municipality, tmp_path) -> Iterator[SamlIdp]:
    settings.SITE_URL = "http://testserver"
    settings.SSO_SAML = {}
    sp_metadata = create_metadata_string(None, config=config_loader()).decode()
    provider = SamlIdp(tmp_path, "https://idp.sodertalje.example/saml", sp_metadata)
    settings.SSO_SAML = {"sodertalje": {
        "entity_id": provider.entity_id, "metadata": provider.metadata(),
        "roles": {"kf-handlaggare": Role.FUND_ADMIN, "kf-politiker": Role.VIEWER}}}
    return provider


def log_in(client: Client, idp: SamlIdp, name_id: str, attributes: dict[str, Any]) -> str:
    start = client.get("/sso/sodertalje/")
    assert start.status_code == 302
    to_idp = client.get(start["Location"])  # djangosaml2 makes the request
    assert to_idp.status_code == 302
    assert to_idp["Location"].startswith(f"{idp.entity_id}/sso?SAMLRequest=")
    done = client.post("/saml2/acs/", idp.answer(to_idp["Location"], name_id, attributes))
    assert done.status_code == 302
    return str(done["Location"])


def test_a_saml_login_creates_the_member_with_roles_from_groups(client, idp,
                                                                municipality) -> None:
    assert "Logga in med Södertälje kommun" in client.get("/logga-in/").content.decode()
    assert log_in(client, idp, "anna-ek-1", ANNA) == "/"
    user = User.objects.get(external_id="saml:sodertalje:anna-ek-1")
    assert user.membership.municipality == municipality
    assert {r.role for r in user.membership.roles.all()} == {Role.FUND_ADMIN}
    assert client.get("/fonder/").status_code == 200
    client.post("/logga-ut/")
    assert client.get("/fonder/").status_code == 302  # logged out
    log_in(client, idp, "anna-ek-1", {**ANNA, "groups": ["kf-politiker"]})
    assert {r.role for r in user.membership.roles.all()} == {Role.VIEWER}


def test_a_person_of_another_municipality_is_refused(client, idp,
                                                     other_municipality) -> None:
    member(other_municipality, Role.FUND_ADMIN, username="anna-botkyrka",
           email="anna.ek@sodertalje.se")
    assert log_in(client, idp, "anna-ek-1", ANNA) == "/logga-in/?sso=nekad"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(external_id__startswith="saml:").exists()


def test_an_answer_from_an_unknown_provider_is_refused(client, idp, tmp_path) -> None:
    sp_metadata = create_metadata_string(None, config=config_loader()).decode()
    rogue = SamlIdp(tmp_path, "https://idp.botkyrka.example/saml", sp_metadata)
    start = client.get(client.get("/sso/sodertalje/")["Location"])
    # an answer to our request, signed by a provider the app does not trust
    answer = rogue.answer(start["Location"], "anna-ek-1", ANNA, request_read_by=idp)
    done = client.post("/saml2/acs/", answer)
    assert done["Location"] == "/logga-in/?sso=nekad"
    assert "_auth_user_id" not in client.session


def test_an_answer_changed_after_signing_is_refused(client, idp) -> None:
    import base64

    start = client.get(client.get("/sso/sodertalje/")["Location"])
    answer = idp.answer(start["Location"], "anna-ek-1", ANNA)
    xml = base64.b64decode(answer["SAMLResponse"]).decode()
    assert "anna-ek-1" in xml
    answer["SAMLResponse"] = base64.b64encode(
        xml.replace("anna-ek-1", "per-politiker").encode()).decode()  # a forged subject
    done = client.post("/saml2/acs/", answer)
    assert done["Location"] == "/logga-in/?sso=nekad"
    assert not User.objects.filter(external_id__startswith="saml:").exists()
