"""The allowance simulator against a hand-computed fixture: three social workers (one
half-time) in Äldreomsorgen's unit, a man at Skolförvaltningen, a leaver; the fund of the
reports' fixture (capital 1 000 000, 480 000 granted: 400 000 to Äldreomsorgen's unit)."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.organisation.models import Gender, Occupation, OrgUnit
from kompetensfond.reports.scenario import ScenarioSpec, allowance_scenario
from kompetensfond.reports.selectors import report_funds
from tests.factories import EmployeeFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


@pytest.fixture
def staffed(grants):  # type: ignore[no-untyped-def]
    world, _first, _second, school = grants
    OrgUnit.objects.filter(pk=world.unit.pk).update(sector="elderly_care")
    social = Occupation.objects.get(ssyk_code="2661")
    teacher = Occupation.objects.get(ssyk_code="2341")
    for rate in ("100", "50", "100"):
        EmployeeFactory(unit=world.unit, gender=Gender.WOMAN, occupation=social,
                        employment_rate=Decimal(rate))
    EmployeeFactory(unit=school, gender=Gender.MAN, occupation=teacher)
    EmployeeFactory(unit=world.unit, occupation=social,
                    end_date=world.today.replace(year=2001))  # left long ago
    return world, social, school


def test_ten_thousand_a_year_for_every_social_worker(staffed) -> None:
    world, social, _school = staffed
    funds = report_funds(world.officer)
    report = allowance_scenario(world.officer, funds, ScenarioSpec(
        amount=Decimal("10000.00"), years=2, occupations=[social]))
    assert report.employees == 3
    assert report.by_gender == {Gender.WOMAN: 3, Gender.MAN: 0, "other": 0}
    assert (report.per_year, report.total) == (Decimal("30000.00"), Decimal("60000.00"))
    assert report.capital == Decimal("1000000.00")
    assert report.share_of_capital == Decimal("6.0")
    assert report.available == Decimal("520000.00")
    assert report.share_of_available == Decimal("11.5")
    assert report.sectors == ["Äldreomsorg"]
    assert report.group_granted == Decimal("400000.00")
    assert report.times_group_granted == Decimal("0.2")  # 60 000 / 400 000, to one decimal
    assert report.staff == 4
    assert report.per_employee_so_far == Decimal("120000.00")  # 480 000 / 4


def test_proration_employment_rate_and_administrations(staffed) -> None:
    world, social, school = staffed
    funds = report_funds(world.officer)
    prorated = allowance_scenario(world.officer, funds, ScenarioSpec(
        amount=Decimal("10000.00"), occupations=[social], prorate=True))
    assert prorated.per_year == Decimal("25000.00")  # 1 + 0.5 + 1 heads
    full_time = allowance_scenario(world.officer, funds, ScenarioSpec(
        amount=Decimal("10000.00"), occupations=[social], min_rate=Decimal("60")))
    assert full_time.employees == 2
    schools = allowance_scenario(world.officer, funds, ScenarioSpec(
        amount=Decimal("5000.00"), administrations=[school]))
    assert (schools.employees, schools.by_gender[Gender.MAN]) == (1, 1)
    assert schools.per_year == Decimal("5000.00")


def test_the_simulator_page_its_pdf_and_bad_input(client, staffed, other_municipality) -> None:
    world, social, _school = staffed
    client.force_login(world.officer)
    url = reverse("reports:scenario")
    assert "Beräkna" in client.get(url).content.decode()
    query = {"amount": "10 000", "years": "2", "occupations": [social.pk], "min_rate": "0"}
    html = client.get(url, query).content.decode()
    assert "60\xa0000,00\xa0kr" in html
    assert "6,0\xa0%" in html
    pdf = client.get(url, {**query, "export": "pdf"})
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                          check=True).stdout.decode().replace("\xa0", " ")
    assert "60 000,00 kr" in text
    refused = client.get(url, {"amount": "-5", "years": "99"}).content.decode()
    assert "Det finns ett problem" in refused
    assert "60\xa0000" not in refused
    client.force_login(member(other_municipality, "fund_admin", username="annan"))
    page = client.get(url).content.decode()
    assert "Socialsekreterare" not in page  # another municipality's staff is not offered
    client.force_login(world.manager)
    assert client.get(url).status_code == 403


def test_the_simulator_api(api_client, staffed) -> None:
    world, _social, school = staffed
    api_client.force_authenticate(world.officer)
    url = reverse("scenario-allowance")
    body = api_client.get(url, {"amount": "10000.00", "years": "2", "occupation": "2661"}).json()
    assert (body["employees"], body["women"], body["total"]) == (3, 3, "60000.00")
    assert (body["share_of_capital"], body["times_group_granted"]) == ("6.0", "0.2")
    body = api_client.get(url, {"amount": "5000", "administration": str(school.pk)}).json()
    assert (body["employees"], body["men"]) == (1, 1)
    assert api_client.get(url).status_code == 400
    assert api_client.get(url, {"amount": "-1"}).status_code == 400
    assert api_client.get(url, {"amount": "100", "years": "abc"}).status_code == 400
    api_client.force_authenticate(world.manager)
    assert api_client.get(url, {"amount": "100"}).status_code == 403


def test_proposals_saved_and_compared_side_by_side(client, staffed) -> None:
    from kompetensfond.audit.models import AuditEvent
    from kompetensfond.reports.models import SavedScenario

    world, social, _school = staffed
    client.force_login(world.officer)
    for name, amount in (("Motionen: 10 000 kr", "10000"), ("Halva beloppet", "5000")):
        response = client.post(reverse("reports:scenario-save"), {
            "name": name, "query": f"amount={amount}&years=2&occupations={social.pk}"})
        assert response.status_code == 302
    assert AuditEvent.objects.filter(action="scenario.saved").count() == 2
    # the same name twice, and a proposal that is not complete: refused, nothing saved
    client.post(reverse("reports:scenario-save"), {
        "name": "Halva beloppet", "query": f"amount=1&occupations={social.pk}"})
    client.post(reverse("reports:scenario-save"), {"name": "Trasig", "query": "amount=abc"})
    assert SavedScenario.objects.count() == 2

    url = reverse("reports:scenario-compare")
    page = client.get(url).content.decode()
    assert "Motionen: 10 000 kr" in page
    assert "60\xa0000,00\xa0kr" in page  # 3 × 10 000 × 2
    assert "30\xa0000,00\xa0kr" in page  # 3 × 5 000 × 2
    csv = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "Halva beloppet;3;3;0;15000,00;30000,00" in csv
    assert client.get(url, {"export": "pdf"}).content.startswith(b"%PDF")

    # another municipality sees none of them and cannot delete them
    other = member(world.municipality.__class__.objects.create(
        name="Örebro kommun", slug="orebro", organisation_number="212000-1967"),
        "fund_admin", username="orebro")
    client.force_login(other)
    assert "Motionen" not in client.get(url).content.decode()
    saved = SavedScenario.objects.first()
    assert client.post(reverse("reports:scenario-delete", args=[saved.pk])).status_code == 404
    client.force_login(world.officer)
    client.post(reverse("reports:scenario-delete", args=[saved.pk]))
    assert SavedScenario.objects.count() == 1
