"""Uptake, central projects versus units, money per employee, the forecast and the
auditor's register: figures against the hand-computed fixture of ``test_reports``
(Äldreomsorgen's unit granted 400 000, 150 000 paid; Skolförvaltningen itself granted
100 000, paid, 20 000 returned at the final report)."""

from __future__ import annotations

import csv
import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kompetensfond.applications.models import Outcome
from kompetensfond.applications.services import application_recommend, application_submit
from kompetensfond.organisation.models import Gender
from kompetensfond.reports.selectors import (
    central_and_units,
    decision_register,
    forecast,
    per_employee,
    register_rows,
    report_funds,
    uptake,
)
from tests.factories import EmployeeFactory, OrgUnitFactory, member
from tests.world import CAPITAL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def test_uptake_counts_units_and_administrations(grants) -> None:
    world = grants[0]
    OrgUnitFactory(municipality=world.municipality, name="Kulturförvaltningen")  # never applied
    report = uptake(world.officer, report_funds(world.officer))
    rows = {r.label: (r.units, r.applied, r.granted) for r in report.rows}
    assert rows == {"Äldreomsorgen": (2, 1, 1), "Skolförvaltningen": (1, 1, 1),
                    "Kulturförvaltningen": (1, 0, 0)}
    assert (report.units.units, report.units.applied, report.units.granted) == (4, 2, 2)
    assert report.units.applied_share == Decimal("50.0")
    assert (report.administrations.units, report.administrations.applied) == (3, 2)
    assert report.administrations.granted_share == Decimal("66.7")
    # a period before anything was sent: nobody applied
    early = uptake(world.officer, report_funds(world.officer),
                   end=world.fund.start_date)
    assert early.units.applied == 0


def test_central_projects_against_units(grants) -> None:
    world = grants[0]
    report = central_and_units(report_funds(world.officer))
    rows = {r.label: (r.central, r.units) for r in report.administrations}
    assert rows == {"Äldreomsorgen": (Decimal("0.00"), Decimal("400000.00")),
                    "Skolförvaltningen": (Decimal("80000.00"), Decimal("0.00"))}
    assert (report.total.central, report.total.units) == (Decimal("80000.00"),
                                                         Decimal("400000.00"))
    assert report.organisation_wide == Decimal("0.00")
    assert report.granted == Decimal("480000.00")  # = the distribution's total
    assert report.total.unit_share == Decimal("83.3")
    assert {r.label: r.central for r in report.sectors}["Utbildning"] == Decimal("80000.00")


def test_money_per_employee(grants) -> None:
    world, _first, _second, school = grants
    for _ in range(3):
        EmployeeFactory(unit=world.unit, gender=Gender.WOMAN)
    EmployeeFactory(unit=school, gender=Gender.MAN)
    EmployeeFactory(unit=school, gender=Gender.MAN, end_date=world.today.replace(year=2000))
    rows, total = per_employee(world.officer, report_funds(world.officer), "administration")
    assert {r.label: (r.employees, r.per_employee) for r in rows} == {
        "Äldreomsorgen": (3, Decimal("133333.33")), "Skolförvaltningen": (1, Decimal("80000.00"))}
    assert (total.employees, total.granted, total.per_employee) == (
        4, Decimal("480000.00"), Decimal("120000.00"))
    with pytest.raises(ValueError, match="colour"):
        per_employee(world.officer, report_funds(world.officer), "colour")


def test_the_forecast_by_hand(grants) -> None:
    world = grants[0]
    proposal = world.draft("50000.00", title="Språkombud")
    application_submit(actor=world.manager, application=proposal)
    application_recommend(actor=world.officer, application=proposal, outcome=Outcome.GRANTED,
                          amount=None, reason="")
    reviewing = world.draft("30000.00", title="Handledning")
    application_submit(actor=world.manager, application=reviewing)
    today = timezone.localdate()
    report = forecast(world.fund, today=today)
    assert report.capital == CAPITAL
    assert (report.paid, report.committed) == (Decimal("230000.00"), Decimal("250000.00"))
    assert report.available == CAPITAL - Decimal("480000.00")
    assert (report.proposed, report.in_review) == (Decimal("50000.00"), Decimal("30000.00"))
    assert report.after_pipeline == report.available - Decimal("50000.00")
    # 480 000 granted (net) this month; the window is the 11 months before and the part of
    # this month that has passed
    days = ((today.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
            - today.replace(day=1)).days
    months = 11 + Decimal(today.day) / days
    assert report.pace == (Decimal("480000.00") / months).quantize(Decimal("0.01"))
    left = report.available / report.pace  # months
    assert report.runs_out is not None
    assert abs((report.runs_out - today).days - float(left) * 30.4375) <= 1
    assert report.left_at_end == Decimal("0.00")  # the money runs out before the end
    current = [m for m in report.months if m.projected is not None]
    assert current[0].projected == report.available
    assert current[1].projected == report.available - report.pace
    assert current[-1].month.year == world.fund.end_date.year
    assert report.months[0].month == world.fund.start_date.replace(day=1)


def test_a_fund_without_grants_lasts(world) -> None:
    report = forecast(world.fund, today=timezone.localdate())
    assert report.pace == Decimal("0.00")
    assert report.runs_out is None
    assert report.left_at_end == CAPITAL


def test_the_auditor_register(grants) -> None:
    world = grants[0]
    funds = report_funds(world.officer)
    rows = {r.title: r for r in register_rows(decision_register(funds), funds)}
    assert set(rows) == {"Undersköterskeutbildning", "Lärarlyft"}
    old, school = rows["Undersköterskeutbildning"], rows["Lärarlyft"]
    assert (old.granted, old.paid, old.returned) == (Decimal("400000.00"),
                                                     Decimal("150000.00"), Decimal("0.00"))
    assert (school.granted, school.paid, school.returned) == (
        Decimal("100000.00"), Decimal("100000.00"), Decimal("20000.00"))
    assert school.status == "Stängd"
    assert old.paragraph.startswith("§\xa0")
    assert old.decided_by == world.fund.owning_body.name
    assert (old.administration, school.administration) == ("Äldreomsorgen",
                                                           "Skolförvaltningen")


@pytest.mark.parametrize("name", ["uptake", "central", "per-employee", "forecast", "register"])
def test_each_report_page_and_its_exports(client, grants, name) -> None:
    world = grants[0]
    client.force_login(world.officer)
    url = reverse(f"reports:{name}")
    page = client.get(url)
    assert page.status_code == 200
    assert b"<canvas" in page.content or name == "register"
    sheet = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) >= 2
    text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text), delimiter=";")) == list(rows[0])
    pdf = client.get(url, {"export": "pdf"})
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                         check=True).stdout.decode()
    assert world.municipality.name in out


def test_the_register_exports_numbers_and_dates(client, grants) -> None:
    world = grants[0]
    client.force_login(world.officer)
    response = client.get(reverse("reports:register"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("diarienummer", "rubrik", "förvaltning", "enhet", "beslutsdatum")
    school = next(r for r in rows if r[1] == "Lärarlyft")
    assert hasattr(school[4], "year")  # a date, not text
    assert (school[8], school[9], school[10]) == (100000, 100000, 20000)
    html = client.get(reverse("reports:central")).content.decode()
    assert "80\xa0000,00\xa0kr" in html
    assert "83,3\xa0%" in html


def test_the_reports_are_the_municipalitys_own(client, grants, other_municipality) -> None:
    stranger = member(other_municipality, "fund_admin", username="annan")
    client.force_login(stranger)
    html = client.get(reverse("reports:register")).content.decode()
    assert "Lärarlyft" not in html
    assert "Lärarlyft" not in client.get(reverse("reports:register"),
                                         {"export": "csv"}).content.decode("utf-8-sig")
    world = grants[0]
    assert client.get(reverse("reports:forecast"), {"fund": world.fund.pk}).status_code == 200
    assert "Lärarlyft" not in client.get(reverse("reports:central")).content.decode()


def test_the_reports_api(api_client, grants, other_municipality) -> None:
    world = grants[0]
    api_client.force_authenticate(world.officer)
    body = api_client.get(reverse("report-uptake")).json()
    assert body["units"] == {"label": "Alla enheter", "units": 3, "applied": 2, "granted": 2,
                             "applied_share": "66.7", "granted_share": "66.7"}
    central = api_client.get(reverse("report-central")).json()
    assert (central["central"], central["units"]) == ("80000.00", "400000.00")
    url = reverse("report-forecast")
    assert api_client.get(url).status_code == 400
    assert api_client.get(url, {"fund": "abc"}).status_code == 400
    body = api_client.get(url, {"fund": world.fund.pk}).json()
    assert body["available"] == str(CAPITAL - Decimal("480000.00"))
    assert body["months"][0]["month"] == world.fund.start_date.strftime("%Y-%m")
    api_client.force_authenticate(member(other_municipality, "fund_admin", username="annan"))
    assert api_client.get(url, {"fund": world.fund.pk}).status_code == 404


@pytest.mark.parametrize("name", ["distribution", "register"])
def test_libreoffice_reads_the_xlsx_exports(client, grants, tmp_path, name) -> None:
    """LibreOffice Calc (headless) opens each XLSX export and gives back its figures."""
    import shutil

    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc is missing: run `make system-deps`"
    world = grants[0]
    client.force_login(world.officer)
    response = client.get(reverse(f"reports:{name}"),
                          {"export": "xlsx", "by": "administration"})
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(response.content)
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
         str(tmp_path), str(source)],
        capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / f"{name}.csv").read_text("utf-8"))))
    if name == "distribution":
        assert rows[1][:3] == ["Äldreomsorgen", "400000", "150000"]
    else:
        school = next(r for r in rows if r[1] == "Lärarlyft")
        assert school[8:11] == ["100000", "100000", "20000"]
