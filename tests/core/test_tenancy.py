"""A user sees only their own municipality: other tenants' objects are 404, never 403."""

import pytest
from django.urls import reverse

from kompetensfond.core.models import Role
from tests.factories import BodyFactory, OrgUnitFactory, member


@pytest.fixture
def foreign_unit(other_municipality):
    return OrgUnitFactory(municipality=other_municipality, name="Främmande enhet")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.UNIT_MANAGER])
def test_another_municipalitys_unit_page_is_404_for_every_role(client, municipality,
                                                                foreign_unit, role) -> None:
    user = member(municipality, role)
    client.force_login(user)
    response = client.get(reverse("organisation:unit-detail", args=[foreign_unit.pk]))
    assert response.status_code == 404
    assert "Sidan kunde inte hittas" in response.content.decode()


@pytest.mark.django_db
def test_own_unit_page_is_shown(client, fund_admin, municipality) -> None:
    unit = OrgUnitFactory(municipality=municipality, name="Egen enhet")
    client.force_login(fund_admin)
    response = client.get(reverse("organisation:unit-detail", args=[unit.pk]))
    assert response.status_code == 200
    assert "Egen enhet" in response.content.decode()


@pytest.mark.django_db
def test_organisation_overview_lists_only_own_units_and_bodies(client, fund_admin, municipality,
                                                                other_municipality) -> None:
    OrgUnitFactory(municipality=municipality, name="Egen förvaltning")
    OrgUnitFactory(municipality=other_municipality, name="Annans förvaltning")
    BodyFactory(municipality=municipality, name="Egen nämnd")
    BodyFactory(municipality=other_municipality, name="Annans nämnd")
    client.force_login(fund_admin)
    html = client.get(reverse("organisation:overview")).content.decode()
    assert "Egen förvaltning" in html
    assert "Egen nämnd" in html
    assert "Annans" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "factory"), [("org-unit-detail", OrgUnitFactory),
                                                ("body-detail", BodyFactory)])
def test_api_returns_404_with_swedish_detail_for_another_municipalitys_object(
        api_client, fund_admin, other_municipality, route, factory) -> None:
    obj = factory(municipality=other_municipality)
    api_client.force_authenticate(fund_admin)
    response = api_client.get(reverse(route, args=[obj.pk]))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Hittades inte."}


@pytest.mark.django_db
def test_api_lists_only_own_municipality(api_client, fund_admin, municipality,
                                         other_municipality) -> None:
    OrgUnitFactory(municipality=municipality, name="Egen")
    OrgUnitFactory(municipality=other_municipality, name="Annans")
    BodyFactory(municipality=municipality, name="Egen nämnd")
    BodyFactory(municipality=other_municipality, name="Annans nämnd")
    api_client.force_authenticate(fund_admin)
    units = api_client.get(reverse("org-unit-list")).json()["results"]
    bodies = api_client.get(reverse("body-list")).json()["results"]
    assert [u["name"] for u in units] == ["Egen"]
    assert [b["name"] for b in bodies] == ["Egen nämnd"]


@pytest.mark.django_db
def test_user_without_municipality_gets_403_in_api_and_no_tenant_pages(api_client,
                                                                        client) -> None:
    from tests.factories import UserFactory

    loner = UserFactory()
    api_client.force_authenticate(loner)
    response = api_client.get(reverse("me"))
    assert response.status_code == 403
    assert response.json()["detail"] == "Ditt konto hör inte till någon kommun."
    client.force_login(loner)
    assert client.get(reverse("organisation:overview")).status_code == 404
