"""Staff import: the whole file is validated, previewed, then written all or nothing."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.organisation.importing import services as import_services
from kompetensfond.organisation.importing.services import (
    employee_import_confirm,
    employee_import_remap,
    employee_import_validate,
)
from kompetensfond.organisation.models import Employee, Gender, ImportStatus
from tests.factories import OrgUnitFactory

from .helpers import HEADER, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.usefixtures("ssyk")


@pytest.fixture
def units(municipality):
    admin = OrgUnitFactory(municipality=municipality, cost_centre="4000", name="Äldreomsorg")
    return {
        "4110": OrgUnitFactory(municipality=municipality, cost_centre="4110", parent=admin),
        "4120": OrgUnitFactory(municipality=municipality, cost_centre="4120", parent=admin),
    }


def validate(actor, municipality, content, name="personal.csv", mapping=None):
    return employee_import_validate(actor=actor, municipality=municipality, file_name=name,
                                    content=content, mapping=mapping)


def run_import(actor, municipality, content, *, end_missing=False, name="personal.csv"):
    job = validate(actor, municipality, content, name)
    assert job.status == ImportStatus.VALIDATED, (job.file_error, job.errors)
    return employee_import_confirm(actor=actor, job=job, end_missing=end_missing)


def test_semicolon_utf8_bom_file_is_imported_with_every_field(fund_admin, municipality,
                                                              units) -> None:
    content = csv_bytes([row("1001", email="asa@kommun.se", rate="75,5", start="2019-08-01"),
                         row("1002", "Erik", "Ek", gender="man", ssyk="2661",
                             cost_centre="4120", end="2030-12-31")])
    job = run_import(fund_admin, municipality, content)
    assert job.status == ImportStatus.DONE
    assert job.counts == {"rows": 2, "new": 2, "changed": 0, "unchanged": 0, "to_end": 0,
                          "ended": 0}
    asa = Employee.objects.get(employee_number="1001")
    assert (asa.first_name, asa.last_name, asa.email) == ("Åsa", "Öberg", "asa@kommun.se")
    assert asa.gender == Gender.WOMAN
    assert asa.occupation.ssyk_code == "5321"
    assert asa.unit == units["4110"]
    assert asa.employment_rate == Decimal("75.50")
    assert asa.start_date == date(2019, 8, 1)
    erik = Employee.objects.get(employee_number="1002")
    assert (erik.gender, erik.end_date) == (Gender.MAN, date(2030, 12, 31))
    assert AuditEvent.objects.filter(action="employee_import.applied").count() == 1


def test_comma_separated_windows_1252_file_from_swedish_excel(fund_admin, municipality,
                                                              units) -> None:
    content = csv_bytes([row("2001", "Örjan", "Åkesson", gender="man")], sep=",",
                        encoding="cp1252")
    job = validate(fund_admin, municipality, content)
    assert job.encoding == "windows-1252"
    employee_import_confirm(actor=fund_admin, job=job)
    assert Employee.objects.get(employee_number="2001").first_name == "Örjan"


def test_xlsx_with_excel_numbers_and_dates(fund_admin, municipality, units) -> None:
    content = xlsx_bytes([[3001, "Ida", "Lind", None, "Kvinna", 5311, 4110, 87.5,
                           timezone.datetime(2021, 3, 1), None]])
    run_import(fund_admin, municipality, content, name="personal.xlsx")
    ida = Employee.objects.get(employee_number="3001")
    assert ida.occupation.ssyk_code == "5311"
    assert ida.employment_rate == Decimal("87.50")
    assert ida.start_date == date(2021, 3, 1)


def test_reimporting_the_same_file_changes_nothing(fund_admin, municipality, units) -> None:
    content = csv_bytes([row("1001"), row("1002", "Erik", "Ek", gender="man")])
    run_import(fund_admin, municipality, content)
    before = list(Employee.objects.order_by("pk").values())
    job = run_import(fund_admin, municipality, content)
    assert job.counts["unchanged"] == 2
    assert job.counts["new"] == job.counts["changed"] == job.counts["ended"] == 0
    assert list(Employee.objects.order_by("pk").values()) == before


def test_later_file_updates_by_employee_number_and_ends_missing_only_when_ticked(
        fund_admin, municipality, units) -> None:
    run_import(fund_admin, municipality, csv_bytes([row("1001"), row("1002"), row("1003")]))
    later = csv_bytes([row("1001", cost_centre="4120", rate="50"), row("1002")])
    job = validate(fund_admin, municipality, later)
    assert job.counts == {"rows": 2, "new": 0, "changed": 1, "unchanged": 1, "to_end": 1}
    assert job.preview["changed"][0]["changes"]["employment_rate"] == ["100.00", "50.00"]
    assert job.preview["to_end"] == ["1003"]
    employee_import_confirm(actor=fund_admin, job=job, end_missing=False)
    assert Employee.objects.get(employee_number="1003").end_date is None
    assert Employee.objects.get(employee_number="1001").unit == units["4120"]
    job = run_import(fund_admin, municipality, later, end_missing=True)
    assert job.counts["ended"] == 1
    ended = Employee.objects.get(employee_number="1003")
    assert ended.end_date == timezone.localdate() - timedelta(days=1)
    # ending is idempotent too: the next identical import ends no one
    assert run_import(fund_admin, municipality, later, end_missing=True).counts["ended"] == 0


def test_other_header_names_are_mapped_in_a_second_step(fund_admin, municipality,
                                                        units) -> None:
    header = ["Personal-ID", "Förnamn", "Efternamn", "Arbetsplats"]
    content = csv_bytes([["9001", "Kim", "Berg", "4110"]], header=header)
    job = validate(fund_admin, municipality, content)
    assert job.status == ImportStatus.INVALID
    assert "anställningsnummer, kostnadsställe" in job.file_error
    job = employee_import_remap(actor=fund_admin, job=job,
                                mapping={"employee_number": 0, "first_name": 1,
                                         "last_name": 2, "cost_centre": 3})
    assert job.status == ImportStatus.VALIDATED
    employee_import_confirm(actor=fund_admin, job=job)
    assert Employee.objects.get(employee_number="9001").unit == units["4110"]


def test_large_file_runs_as_a_background_task_with_progress(
        fund_admin, municipality, units, monkeypatch, django_capture_on_commit_callbacks) -> None:
    monkeypatch.setattr(import_services, "BACKGROUND_THRESHOLD_ROWS", 2)
    job = validate(fund_admin, municipality, csv_bytes([row(str(n)) for n in range(1, 6)]))
    with django_capture_on_commit_callbacks(execute=True):
        job = employee_import_confirm(actor=fund_admin, job=job)
        assert job.status == ImportStatus.QUEUED
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Employee.objects.count() == 5
    assert import_services.import_progress(job.pk) == (5, 5)


def test_an_import_cannot_be_confirmed_twice(fund_admin, municipality, units) -> None:
    job = run_import(fund_admin, municipality, csv_bytes([row()]))
    with pytest.raises(ConflictError):
        employee_import_confirm(actor=fund_admin, job=job)


def test_other_municipalitys_cost_centres_are_unknown(fund_admin, municipality, units,
                                                      other_municipality) -> None:
    OrgUnitFactory(municipality=other_municipality, cost_centre="7777")
    job = validate(fund_admin, municipality, csv_bytes([row(cost_centre="7777")]))
    assert job.errors[0]["message"] == "Ingen aktiv enhet har kostnadsställe 7777."


def test_only_case_officers_may_import(reviewer, municipality, units) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        validate(reviewer, municipality, csv_bytes([row()]))


def test_cli_imports_and_reports(tmp_path: Path, municipality, units) -> None:
    path = tmp_path / "personal.csv"
    path.write_bytes(csv_bytes([row("1001"), row("1002")]))
    out = StringIO()
    call_command("import_employees", str(path), municipality=municipality.slug, stdout=out)
    assert "nya 2" in out.getvalue()
    assert Employee.objects.count() == 2


def test_cli_dry_run_writes_nothing_and_errors_exit_nonzero(tmp_path: Path, municipality,
                                                           units) -> None:
    path = tmp_path / "personal.csv"
    path.write_bytes(csv_bytes([row("1001")]))
    call_command("import_employees", str(path), municipality=municipality.slug, dry_run=True,
                 stdout=StringIO())
    assert not Employee.objects.exists()
    path.write_bytes(csv_bytes([row("1001", cost_centre="0000")]))
    err = StringIO()
    with pytest.raises(CommandError, match="1 fel"):
        call_command("import_employees", str(path), municipality=municipality.slug, stderr=err)
    assert "rad 2, kostnadsställe" in err.getvalue()


# ---------------------------------------------------------------- bad input, nothing written

ROW_ERRORS = [
    ("duplicate employee number", [row("1001"), row("1001")], 3, "anställningsnummer",
     "Anställningsnummer 1001 finns också på rad 2."),
    ("unknown cost centre", [row(cost_centre="9999")], 2, "kostnadsställe",
     "Ingen aktiv enhet har kostnadsställe 9999."),
    ("unknown SSYK code", [row(ssyk="9998")], 2, "ssyk",
     "9998 är inte en fyrsiffrig SSYK 2012-kod."),
    ("SSYK major group only", [row(ssyk="5")], 2, "ssyk",
     "5 är inte en fyrsiffrig SSYK 2012-kod."),
    ("invalid date", [row(start="2020-13-01")], 2, "anställd_från",
     "Skriv datumet som ÅÅÅÅ-MM-DD, inte ”2020-13-01”."),
    ("US date", [row(start="01/15/2020")], 2, "anställd_från",
     "Skriv datumet som ÅÅÅÅ-MM-DD, inte ”01/15/2020”."),
    ("end before start", [row(start="2020-01-01", end="2019-01-01")], 2, "anställd_till",
     "Slutdatumet är före startdatumet."),
    ("employment rate over 100", [row(rate="120")], 2, "sysselsättningsgrad",
     "Sysselsättningsgraden måste vara ett tal från 0 till 100, inte ”120”."),
    ("employment rate not a number", [row(rate="heltid")], 2, "sysselsättningsgrad",
     "Sysselsättningsgraden måste vara ett tal från 0 till 100, inte ”heltid”."),
    ("unknown gender", [row(gender="x")], 2, "kön",
     "Skriv kvinna, man, annat eller uppgift saknas, inte ”x”."),
    ("missing employee number", [row(number="")], 2, "anställningsnummer",
     "Anställningsnummer saknas."),
    ("formula in a name", [row(first="=HYPERLINK(\"http://x\")")], 2, "förnamn",
     "Cellen börjar med ”=” och kan tolkas som en formel i ett kalkylprogram. "
     "Ta bort tecknet."),
    ("plus sign", [row(last="+46701234567")], 2, "efternamn", None),
    ("minus sign", [row(last="-2+3")], 2, "efternamn", None),
    ("at sign", [row(email="@SUM(A1)")], 2, "e-post", None),
]


@pytest.mark.parametrize(("case", "rows", "line", "column", "message"), ROW_ERRORS,
                         ids=[c[0] for c in ROW_ERRORS])
def test_row_errors_are_reported_with_row_and_column_and_nothing_is_written(
        fund_admin, municipality, units, case, rows, line, column, message) -> None:
    job = validate(fund_admin, municipality, csv_bytes(rows))
    assert job.status == ImportStatus.INVALID
    error = job.errors[0]
    assert (error["row"], error["column"]) == (line, column)
    if message:
        assert error["message"] == message
    with pytest.raises(ConflictError):
        employee_import_confirm(actor=fund_admin, job=job)
    assert not Employee.objects.exists()


def test_every_error_of_the_file_is_listed_not_only_the_first(fund_admin, municipality,
                                                              units) -> None:
    rows = [row("1"), row("2", cost_centre="x"), row("3", ssyk="0"), row("4", rate="-1")]
    job = validate(fund_admin, municipality, csv_bytes(rows))
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "kostnadsställe"), (4, "ssyk"), (5, "sysselsättningsgrad")]
    assert job.error_count == 3


def test_missing_required_column(fund_admin, municipality, units) -> None:
    header = [h for h in HEADER if h != "kostnadsställe"]
    job = validate(fund_admin, municipality, csv_bytes([row()[:6] + row()[7:]], header=header))
    assert job.status == ImportStatus.INVALID
    assert "saknar de obligatoriska kolumnerna: kostnadsställe" in job.file_error
    assert not Employee.objects.exists()


FILE_ERRORS = [
    ("empty file", b"", "Filen är tom."),
    ("only whitespace", b"  \r\n ", "Filen är tom."),
    ("UTF-16 text", "anställningsnummer;kostnadsställe\n1;4110\n".encode("utf-16"),
     "inte en textfil i UTF-8 eller Windows-1252"),
    ("bytes undefined in Windows-1252", b"anst\x81llningsnummer;kostnadsst\x8dlle\n",
     "kan inte läsas som UTF-8 eller Windows-1252"),
    ("a renamed program", b"MZ\x90\x00\x03\x00\x00\x00" * 100, "inte en textfil"),
    ("broken xlsx", b"PK\x03\x04garbage", "inte en läsbar XLSX-fil"),
]


@pytest.mark.parametrize(("case", "content", "message"), FILE_ERRORS,
                         ids=[c[0] for c in FILE_ERRORS])
def test_unreadable_files_are_refused_and_nothing_is_written(fund_admin, municipality, units,
                                                             case, content, message) -> None:
    with pytest.raises(ValidationError, match=message):
        validate(fund_admin, municipality, content)
    assert not Employee.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="employee_import").exists()


def test_twenty_megabytes_of_garbage_is_refused_quickly(fund_admin, municipality,
                                                        units) -> None:
    garbage = os.urandom(20 * 1024 * 1024)
    with pytest.raises(ValidationError):
        validate(fund_admin, municipality, garbage)
    printable = (b"x;y;z\n" * (20 * 1024 * 1024 // 6))[: 20 * 1024 * 1024]
    with pytest.raises(ValidationError, match="fler än 200\xa0000 rader"):  # 3.5 million
        validate(fund_admin, municipality, printable)
    with pytest.raises(ValidationError, match="större än 20 MB"):
        validate(fund_admin, municipality, printable + b"x" * 10)
    assert not Employee.objects.exists()


def test_xlsx_with_several_sheets_is_refused(fund_admin, municipality, units) -> None:
    with pytest.raises(ValidationError, match="2 blad"):
        validate(fund_admin, municipality, xlsx_bytes([row()], sheets=2), "p.xlsx")
    assert not Employee.objects.exists()


def test_xlsx_with_merged_cells_is_refused(fund_admin, municipality, units) -> None:
    with pytest.raises(ValidationError, match="sammanfogade celler"):
        validate(fund_admin, municipality, xlsx_bytes([row(), row("1002")], merge="G2:G3"),
                 "p.xlsx")
    assert not Employee.objects.exists()


def test_header_only_file_is_refused(fund_admin, municipality, units) -> None:
    job = validate(fund_admin, municipality, csv_bytes([]))
    assert job.status == ImportStatus.INVALID
    assert job.file_error == "Filen har en rubrikrad men inga rader."


def test_an_xlsx_whose_cells_span_the_whole_sheet_is_refused_before_it_is_loaded() -> None:
    import io
    import time

    from openpyxl import Workbook

    from kompetensfond.organisation.importing.reading import FileReadError, read_table

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "anställningsnummer"
    sheet["XFD1048576"] = "x"  # a 512 GB grid for a reader that makes one
    out = io.BytesIO()
    workbook.save(out)
    assert len(out.getvalue()) < 10_000
    started = time.monotonic()
    with pytest.raises(FileReadError, match="fler än 200\xa0000 rader"):
        read_table(out.getvalue())
    assert time.monotonic() - started < 5  # refused from what it declares, not loaded


def test_a_csv_with_an_absurd_number_of_columns_or_rows_is_refused(monkeypatch) -> None:
    from kompetensfond.organisation.importing import reading

    with pytest.raises(reading.FileReadError, match="fler än 200 kolumner"):
        reading.read_table((";".join(f"k{n}" for n in range(100_000)) + "\n1\n").encode())
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    with pytest.raises(reading.FileReadError, match="rader"):
        reading.read_table(b"anst\xc3\xa4llningsnummer\n1\n2\n3\n4\n")


def test_the_file_is_deleted_once_imported_and_only_case_officers_see_imports(
        client, api_client, fund_admin, municipality, units) -> None:
    import hashlib

    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from kompetensfond.core.models import Role
    from kompetensfond.organisation.importing.services import employee_import_confirm
    from kompetensfond.organisation.models import EmployeeImport
    from kompetensfond.organisation.selectors import employee_import_list
    from tests.factories import member

    content = csv_bytes([row("90001", cost_centre="4110")])
    job = validate(fund_admin, municipality, content)
    assert bytes(EmployeeImport.objects.get(pk=job.pk).content) != content  # never the upload
    employee_import_confirm(actor=fund_admin, job=job, background=False)
    stored = EmployeeImport.objects.get(pk=job.pk)
    assert bytes(stored.content) == b""  # the HR file's personal data is gone
    assert stored.file_sha256 == hashlib.sha256(content).hexdigest()
    assert stored.row_count == 1
    employee = member(municipality, Role.EMPLOYEE, username="mira")
    with pytest.raises(PermissionDenied):
        employee_import_list(user=employee)
    api_client.force_authenticate(employee)
    assert api_client.get(reverse("employee-import-status", args=[job.pk])).status_code == 403
    client.force_login(employee)
    assert client.get(reverse("organisation:import-progress", args=[job.pk])).status_code == 403


def test_columns_the_template_does_not_have_are_never_stored(fund_admin, municipality,
                                                            units) -> None:
    """A real HR export carries personnummer, salary and union membership: once every
    required column is found, only the mapped columns are kept until the import."""
    from kompetensfond.organisation.models import EmployeeImport

    header = [*HEADER[:2], "personnummer", *HEADER[2:], "månadslön", "facklig tillhörighet"]
    cells = [*row("7001")[:2], "19800101-1234", *row("7001")[2:], "41234", "Vision"]
    for content, name in ((csv_bytes([cells], header=header), "hr.csv"),
                          (xlsx_bytes([cells], header=header), "hr.xlsx")):
        job = validate(fund_admin, municipality, content, name=name)
        assert job.status == ImportStatus.VALIDATED, job.errors
        stored = bytes(EmployeeImport.objects.get(pk=job.pk).content)
        for secret in (b"19800101-1234", b"41234", b"Vision", b"personnummer", "månadslön"
                       .encode()):
            assert secret not in stored
        assert job.header == HEADER
        # remapping and importing work on what was kept
        job = employee_import_remap(actor=fund_admin, job=job, mapping=job.mapping)
        assert job.status == ImportStatus.VALIDATED
        employee_import_confirm(actor=fund_admin, job=job, background=False)
    employee = Employee.objects.get(employee_number="7001")
    assert (employee.first_name, employee.unit) == ("Åsa", units["4110"])


def test_unmapped_columns_go_when_the_mapping_is_completed(fund_admin, municipality,
                                                          units) -> None:
    from kompetensfond.organisation.models import EmployeeImport

    header = ["Personal-ID", "Personnummer", "Arbetsplats", "Lön"]
    job = validate(fund_admin, municipality,
                   csv_bytes([["9002", "19790202-2345", "4110", "39000"]], header=header))
    assert job.status == ImportStatus.INVALID  # the user must still choose the columns
    job = employee_import_remap(actor=fund_admin, job=job,
                                mapping={"employee_number": 0, "cost_centre": 2})
    assert job.status == ImportStatus.VALIDATED
    stored = bytes(EmployeeImport.objects.get(pk=job.pk).content)
    assert b"19790202-2345" not in stored
    assert b"39000" not in stored
    assert job.header == ["Personal-ID", "Arbetsplats"]
    assert job.mapping == {"employee_number": 0, "cost_centre": 1}
    employee_import_confirm(actor=fund_admin, job=job, background=False)
    assert Employee.objects.get(employee_number="9002").unit == units["4110"]


def test_row_numbers_of_errors_are_those_of_the_uploaded_file(fund_admin, municipality,
                                                              units) -> None:
    header = [*HEADER, "personnummer"]
    content = csv_bytes([[*row("1001"), "x"], ["", "", "", "", "", "", "", "", "", "", ""],
                         [*row("1002", cost_centre="0000"), "y"]], header=header)
    job = validate(fund_admin, municipality, content)
    assert [e["row"] for e in job.errors] == [4]


def test_an_upload_left_unimported_loses_its_table_after_a_day(fund_admin, municipality,
                                                               units) -> None:
    from kompetensfond.organisation.models import EmployeeImport

    old = validate(fund_admin, municipality, csv_bytes([row("1001")]))
    EmployeeImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=25))
    fresh = validate(fund_admin, municipality, csv_bytes([row("1002")]))
    old.refresh_from_db()
    assert (old.status, bytes(old.content)) == (ImportStatus.CANCELLED, b"")
    assert bytes(EmployeeImport.objects.get(pk=fresh.pk).content) != b""
    assert AuditEvent.objects.filter(action="employee_import.expired").count() == 1
