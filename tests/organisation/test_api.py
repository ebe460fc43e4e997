import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kompetensfond.audit.models import AuditEvent
from kompetensfond.organisation.models import Employee, OrgUnit
from tests.factories import EmployeeFactory, OrgUnitFactory

from .helpers import csv_bytes, row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


@pytest.fixture
def unit(municipality):
    return OrgUnitFactory(municipality=municipality, cost_centre="4110")


def test_import_through_the_api(api_client, fund_admin, unit) -> None:
    api_client.force_authenticate(fund_admin)
    upload = SimpleUploadedFile("p.csv", csv_bytes([row("1"), row("2")]))
    response = api_client.post(reverse("employee-import-file"), {"file": upload},
                               format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["new"] == 2
    assert Employee.objects.count() == 2
    status = api_client.get(reverse("employee-import-status", args=[response.json()["id"]]))
    assert status.json()["status"] == "done"


def test_api_import_with_errors_is_400_with_every_error_and_writes_nothing(api_client,
                                                                          fund_admin,
                                                                          unit) -> None:
    api_client.force_authenticate(fund_admin)
    upload = SimpleUploadedFile("p.csv", csv_bytes([row("1", rate="x"), row("1")]))
    response = api_client.post(reverse("employee-import-file"), {"file": upload},
                               format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file"
    assert body["detail"] == "Filen har 2 fel; inget importerades."
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (2, "sysselsättningsgrad"), (3, "anställningsnummer")]
    assert not Employee.objects.exists()


def test_api_import_of_an_unreadable_file_is_400(api_client, fund_admin, unit) -> None:
    api_client.force_authenticate(fund_admin)
    upload = SimpleUploadedFile("p.xlsx", b"PK\x03\x04nonsense")
    response = api_client.post(reverse("employee-import-file"), {"file": upload},
                               format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_file"
    assert response.json()["detail"] == "Filen är inte en läsbar XLSX-fil."


def test_api_dry_run_only_validates(api_client, fund_admin, unit) -> None:
    api_client.force_authenticate(fund_admin)
    upload = SimpleUploadedFile("p.csv", csv_bytes([row("1")]))
    response = api_client.post(reverse("employee-import-file"),
                               {"file": upload, "dry_run": True}, format="multipart")
    assert response.json()["status"] == "validated"
    assert not Employee.objects.exists()


def test_viewer_cannot_import(api_client, viewer, unit) -> None:
    api_client.force_authenticate(viewer)
    upload = SimpleUploadedFile("p.csv", csv_bytes([row("1")]))
    response = api_client.post(reverse("employee-import-file"), {"file": upload},
                               format="multipart")
    assert response.status_code == 403


def test_employees_api_lists_only_own_municipality(api_client, fund_admin, unit,
                                                   other_municipality) -> None:
    EmployeeFactory(unit=unit, employee_number="A1")
    EmployeeFactory(unit=OrgUnitFactory(municipality=other_municipality), employee_number="B1")
    api_client.force_authenticate(fund_admin)
    results = api_client.get(reverse("employee-list")).json()["results"]
    assert [e["employee_number"] for e in results] == ["A1"]
    foreign = Employee.objects.get(employee_number="B1")
    assert api_client.get(reverse("employee-detail", args=[foreign.pk])).status_code == 404


def test_occupations_api_with_headcount(api_client, fund_admin, unit) -> None:
    from kompetensfond.organisation.models import Occupation

    EmployeeFactory(unit=unit, occupation=Occupation.objects.get(ssyk_code="2661"))
    api_client.force_authenticate(fund_admin)
    data = api_client.get(reverse("occupation-list"), {"staffed": "1"}).json()["results"]
    assert [(o["ssyk_code"], o["headcount"]) for o in data] == [("2661", 1)]


def test_org_unit_create_and_move_through_the_api(api_client, fund_admin, municipality,
                                                  unit) -> None:
    api_client.force_authenticate(fund_admin)
    response = api_client.post(reverse("org-unit-list"),
                               {"name": "Socialförvaltningen", "cost_centre": "5000",
                                "sector": "social_services"}, format="json")
    assert response.status_code == 201
    new_id = response.json()["id"]
    response = api_client.patch(reverse("org-unit-detail", args=[unit.pk]),
                                {"parent": new_id}, format="json")
    assert response.status_code == 200
    assert OrgUnit.objects.get(pk=unit.pk).path == f"/{new_id}/{unit.pk}/"
    assert AuditEvent.objects.filter(action="org_unit.updated").exists()


def test_org_unit_create_without_required_fields_is_400(api_client, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    response = api_client.post(reverse("org-unit-list"), {"name": "X"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"cost_centre", "sector"}


def test_org_units_cannot_be_deleted(api_client, fund_admin, unit) -> None:
    api_client.force_authenticate(fund_admin)
    assert api_client.delete(reverse("org-unit-detail", args=[unit.pk])).status_code == 405
