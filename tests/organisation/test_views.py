import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kompetensfond.core.models import Role
from kompetensfond.organisation.models import Employee, ImportStatus
from tests.factories import EmployeeFactory, OrgUnitFactory, member

from .helpers import csv_bytes, row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


@pytest.fixture
def staffed(municipality):
    admin = OrgUnitFactory(municipality=municipality, name="Vård och omsorg", cost_centre="4000")
    unit = OrgUnitFactory(municipality=municipality, name="Hemtjänst", cost_centre="4110",
                          parent=admin)
    other = OrgUnitFactory(municipality=municipality, name="Skola", cost_centre="3000")
    return admin, unit, other


def _employees(unit, n, **kwargs):
    return [EmployeeFactory(unit=unit, **kwargs) for _ in range(n)]


def test_employee_list_runs_the_same_number_of_queries_for_few_or_many(
        client, fund_admin, staffed, django_assert_max_num_queries) -> None:
    client.force_login(fund_admin)
    _employees(staffed[1], 3)
    # 12 reads, and the audit event of the read (its insert and a savepoint: 14)
    with django_assert_max_num_queries(17) as few:  # 2: the to-do count; 2: ids, then rows
        client.get(reverse("organisation:employee-list"))
    _employees(staffed[1], 60)
    with django_assert_max_num_queries(17) as many:  # the same, whatever the size
        client.get(reverse("organisation:employee-list"))
    assert len(few.captured_queries) == len(many.captured_queries)


def test_tree_page_runs_the_same_number_of_queries_for_few_or_many_units(
        client, fund_admin, municipality, staffed, django_assert_max_num_queries) -> None:
    client.force_login(fund_admin)
    with django_assert_max_num_queries(14) as few:  # 2: the navigation's to-do count
        client.get(reverse("organisation:overview"))
    for n in range(30):
        unit = OrgUnitFactory(municipality=municipality, parent=staffed[0], cost_centre=f"9{n}")
        _employees(unit, 2)
    with django_assert_max_num_queries(14) as many:  # 2: the navigation's to-do count
        response = client.get(reverse("organisation:overview"))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert response.status_code == 200


def test_tree_shows_headcount_by_gender_with_subtree_totals(client, fund_admin,
                                                            staffed) -> None:
    admin, unit, _other = staffed
    _employees(unit, 3, gender="woman")
    _employees(unit, 1, gender="man")
    _employees(admin, 1, gender="unknown")
    EmployeeFactory(unit=unit, end_date="2000-01-01")  # ended: not counted
    client.force_login(fund_admin)
    units = {u.name: u for u in client.get(reverse("organisation:overview")).context["units"]}
    top = units["Vård och omsorg"]
    assert (top.total, top.total_women, top.total_men, top.total_other) == (5, 3, 1, 1)
    assert (top.headcount, units["Hemtjänst"].total) == (1, 4)


def test_employee_list_filters_and_searches(client, fund_admin, staffed) -> None:
    admin, unit, other = staffed
    EmployeeFactory(unit=unit, first_name="Åsa", last_name="Öberg", gender="woman")
    EmployeeFactory(unit=other, first_name="Erik", last_name="Ek", gender="man")
    client.force_login(fund_admin)
    url = reverse("organisation:employee-list")
    names = lambda response: [e.first_name for e in response.context["page"]]  # noqa: E731
    assert names(client.get(url, {"q": "öberg"})) == ["Åsa"]
    assert names(client.get(url, {"unit": admin.pk})) == ["Åsa"]  # includes subtree
    assert names(client.get(url, {"gender": "man"})) == ["Erik"]


def test_manager_sees_only_their_subtree(client, municipality, staffed) -> None:
    admin, unit, other = staffed
    EmployeeFactory(unit=unit, first_name="Inom")
    EmployeeFactory(unit=other, first_name="Utanför")
    manager = member(municipality, Role.UNIT_MANAGER, unit=admin)
    client.force_login(manager)
    page = client.get(reverse("organisation:employee-list")).context["page"]
    assert [e.first_name for e in page] == ["Inom"]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EMPLOYEE])
def test_reviewers_and_employees_cannot_see_the_staff_register(client, municipality,
                                                               role) -> None:
    client.force_login(member(municipality, role))
    assert client.get(reverse("organisation:employee-list")).status_code == 403


def test_other_municipalitys_employees_are_invisible(client, fund_admin, staffed,
                                                     other_municipality) -> None:
    foreign = OrgUnitFactory(municipality=other_municipality)
    EmployeeFactory(unit=foreign, first_name="Främling")
    client.force_login(fund_admin)
    html = client.get(reverse("organisation:employee-list"), {"status": "all"}).content.decode()
    assert "Främling" not in html
    assert client.get(reverse("organisation:employee-list"),
                      {"unit": foreign.pk}).context["page"].paginator.count == 0


def test_exports_escape_formula_cells_in_csv_and_xlsx(client, fund_admin, staffed) -> None:
    EmployeeFactory(unit=staffed[1], first_name="=HYPERLINK(\"x\")", last_name="@SUM(1)")
    client.force_login(fund_admin)
    url = reverse("organisation:employee-list")
    text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ";'@SUM(1);" in text
    workbook = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
    values = [c.value for c in list(workbook.active.iter_rows())[1]]
    assert values[1] == "'=HYPERLINK(\"x\")"
    assert values[2] == "'@SUM(1)"


def test_import_flow_in_the_ui_upload_preview_confirm(client, fund_admin, staffed) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(fund_admin)
    upload = SimpleUploadedFile("personal.csv", csv_bytes([row("1"), row("2")]))
    response = client.post(reverse("organisation:import-upload"), {"file": upload})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert "Det här gör importen" in html
    assert not Employee.objects.exists()
    response = client.post(response["Location"], {"step": "confirm"}, follow=True)
    assert "Personalfilen har importerats." in response.content.decode()
    assert Employee.objects.count() == 2
    assert response.context["job"].status == ImportStatus.DONE


def test_import_page_lists_row_errors_in_swedish(client, fund_admin, staffed) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(fund_admin)
    upload = SimpleUploadedFile("p.csv", csv_bytes([row("1", cost_centre="0")]))
    response = client.post(reverse("organisation:import-upload"), {"file": upload}, follow=True)
    html = response.content.decode()
    assert "1 fel i filen" in html
    assert "Ingen aktiv enhet har kostnadsställe 0." in html


def test_unreadable_upload_shows_the_error_on_the_form(client, fund_admin, staffed) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(fund_admin)
    upload = SimpleUploadedFile("p.csv", b"")
    response = client.post(reverse("organisation:import-upload"), {"file": upload})
    assert response.status_code == 200
    assert "Den skickade filen var tom." in response.content.decode()


def test_import_template_is_excel_friendly(client, fund_admin) -> None:
    client.force_login(fund_admin)
    content = client.get(reverse("organisation:import-template")).content
    assert content.startswith("\ufeffanställningsnummer;förnamn".encode())


def test_unit_can_be_created_renamed_and_moved_from_the_ui(client, fund_admin, staffed) -> None:
    _admin, unit, other = staffed
    client.force_login(fund_admin)
    response = client.post(reverse("organisation:unit-edit", args=[unit.pk]), {
        "name": "Hemtjänst Norr", "cost_centre": "4110", "sector": "elderly_care",
        "parent": other.pk, "responsible_body": ""})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.parent_id) == ("Hemtjänst Norr", other.pk)
    response = client.post(reverse("organisation:unit-edit", args=[unit.pk]), {
        "name": "X", "cost_centre": "3000", "sector": "education", "parent": other.pk})
    assert "3000 används redan" in response.content.decode()


def test_occupation_list_shows_headcount(client, fund_admin, staffed) -> None:
    from kompetensfond.organisation.models import Occupation

    nurse = Occupation.objects.get(ssyk_code="5321")
    _employees(staffed[1], 2, occupation=nurse)
    client.force_login(fund_admin)
    occupations = list(client.get(reverse("organisation:occupation-list")).context["occupations"])
    assert [(o.ssyk_code, o.headcount) for o in occupations] == [("5321", 2)]


def test_reads_and_exports_of_the_staff_register_are_audited(client, api_client, fund_admin,
                                                             municipality) -> None:
    from kompetensfond.audit.models import AuditEvent

    client.force_login(fund_admin)
    client.get(reverse("organisation:employee-list"), {"q": "anna"})
    client.get(reverse("organisation:employee-list"), {"export": "xlsx"})
    api_client.force_authenticate(fund_admin)
    api_client.get(reverse("employee-list"), {"search": "anna"})
    events = AuditEvent.objects.filter(action="employee.register_read").order_by("pk")
    assert [(e.actor, e.changes["how"]) for e in events] == [
        (fund_admin, "page"), (fund_admin, "xlsx"), (fund_admin, "api")]
    assert events[0].changes["q"] == "anna"


def test_a_large_organisation_shows_its_administrations_and_one_at_a_time(
        client, fund_admin, staffed, monkeypatch) -> None:
    from kompetensfond.organisation import views

    admin, _unit, _other = staffed
    client.force_login(fund_admin)
    small = client.get(reverse("organisation:overview"))
    assert "Hemtjänst" in small.content.decode()  # a small tree is shown whole
    monkeypatch.setattr(views, "TREE_UNFOLDED_UP_TO", 2)
    folded = client.get(reverse("organisation:overview")).content.decode()
    opened = client.get(reverse("organisation:overview"),
                        {"forvaltning": admin.pk}).content.decode()
    assert "Vård och omsorg" in folded
    assert "Skola" in folded
    assert "Hemtjänst" not in folded
    assert f"?forvaltning={admin.pk}" in folded
    assert "Hemtjänst" in opened
    assert "Skola" not in opened
