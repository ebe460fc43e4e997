"""Reports against a hand-computed fixture; the distribution adds up to the ledger; the
public register holds no personal data."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kompetensfond.ledger.selectors import fund_balance
from kompetensfond.reports.selectors import DIMENSIONS, distribution, report_funds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def test_distribution_per_administration_by_hand(grants) -> None:
    world, _first, _second, _school = grants
    report = distribution(report_funds(world.officer), "administration")
    rows = {r.label: (r.granted, r.paid) for r in report.rows}
    assert rows == {"Äldreomsorgen": (Decimal("400000.00"), Decimal("150000.00")),
                    "Skolförvaltningen": (Decimal("80000.00"), Decimal("80000.00"))}
    assert (report.granted, report.paid) == (Decimal("480000.00"), Decimal("230000.00"))
    shares = {r.label: r.share for r in report.rows}
    assert shares == {"Äldreomsorgen": Decimal("83.3"), "Skolförvaltningen": Decimal("16.7")}


@pytest.mark.parametrize("by", DIMENSIONS)
def test_every_distribution_adds_up_to_the_ledger(grants, by) -> None:
    world = grants[0]
    balance = fund_balance(world.fund)
    report = distribution(report_funds(world.officer), by)
    assert report.granted == balance.committed + balance.disbursed
    assert report.paid == balance.disbursed
    if not report.overlapping:
        assert sum(r.granted for r in report.rows) == report.granted
        assert sum(r.paid for r in report.rows) == report.paid


def test_the_page_and_its_exports(client, grants) -> None:
    world = grants[0]
    client.force_login(world.viewer if hasattr(world, "viewer") else world.officer)
    url = reverse("reports:distribution")
    html = client.get(url, {"by": "sector"}).content.decode()
    assert "Fördelning per sektor" in html
    assert "480\xa0000,00\xa0kr" in html
    response = client.get(url, {"by": "administration", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("förvaltning", "beviljat", "utbetalt")
    assert rows[1][:3] == ("Äldreomsorgen", 400000, 150000)
    assert isinstance(rows[1][1], (int, float))
    text = client.get(url, {"by": "administration", "export": "csv"}).content.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert parsed[1][:3] == ["Äldreomsorgen", "400000,00", "150000,00"]
    comma = client.get(url, {"by": "administration", "export": "csv-comma"}).content
    assert not comma.startswith(b"\xef\xbb\xbf")  # no BOM: for tools other than Excel
    parsed = list(csv.reader(io.StringIO(comma.decode()), delimiter=","))
    assert parsed[0][:3] == ["förvaltning", "beviljat", "utbetalt"]
    assert parsed[1][:3] == ["Äldreomsorgen", "400000.00", "150000.00"]
    pdf = client.get(url, {"by": "administration", "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                         check=True).stdout.decode()
    assert "400 000,00 kr" in out.replace("\xa0", " ")
    assert client.get(url, {"by": "nonsense"}).status_code == 200  # falls back, no 500


def test_reports_are_for_officers_secretaries_and_politicians(client, world) -> None:
    client.force_login(world.manager)
    assert client.get(reverse("reports:distribution")).status_code == 403


def test_the_gender_report_against_the_staff(client, grants) -> None:
    from kompetensfond.organisation.models import Gender
    from tests.factories import EmployeeFactory

    world = grants[0]
    for gender in (Gender.WOMAN, Gender.WOMAN, Gender.WOMAN, Gender.MAN):
        EmployeeFactory(unit=world.unit, gender=gender)
    client.force_login(world.officer)
    html = client.get(reverse("reports:gender")).content.decode()
    # planned: 14 + 4 women, 2 + 1 men (the world's applications and the school's)
    assert "75,0 %" in html  # women are three quarters of the staff


def test_the_public_register_has_no_personal_data(client, grants) -> None:
    world = grants[0]
    url = reverse("public:register", args=[world.municipality.slug])
    html = client.get(url).content.decode()
    assert "Lärarlyft" in html
    assert "application/ld+json" in html
    data = client.get(url, {"format": "json"}).json()
    assert {g["title"] for g in data["grants"]} == {"Undersköterskeutbildning", "Lärarlyft"}
    assert data["grants"][0]["granted"] in ("100000.00", "400000.00")
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    everything = html + json.dumps(data, ensure_ascii=False) + text
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", everything)  # no e-mail address
    from kompetensfond.core.models import User

    for user in User.objects.all():
        for name in (user.get_username(), user.last_name):
            if name:
                assert name not in everything, name
    meta = client.get(reverse("public:dcat", args=[world.municipality.slug])).json()
    assert meta["@type"] == "dcat:Dataset"
    assert {d["dcterms:title"] for d in meta["dcat:distribution"]} == {"CSV", "JSON"}
    assert client.get(reverse("public:register", args=["finns-inte"])).status_code == 404


def test_the_public_register_is_rate_limited(client, grants, settings) -> None:
    from django.core.cache import cache

    from kompetensfond.reports import public

    world = grants[0]
    url = reverse("public:register", args=[world.municipality.slug])
    cache.clear()
    try:
        statuses = [client.get(url, {"format": "json"}).status_code
                    for _ in range(public.REQUESTS_PER_MINUTE + 1)]
    finally:
        cache.clear()
    assert statuses[:-1] == [200] * public.REQUESTS_PER_MINUTE
    assert statuses[-1] == 429


def test_the_reports_api(api_client, grants) -> None:
    world = grants[0]
    api_client.force_authenticate(world.officer)
    body = api_client.get(reverse("report-distribution"), {"by": "administration"}).json()
    assert (body["granted"], body["paid"]) == ("480000.00", "230000.00")
    assert body["rows"][0] == {"label": "Äldreomsorgen", "granted": "400000.00",
                               "paid": "150000.00", "share": "83.3"}
    assert api_client.get(reverse("report-distribution"), {"by": "colour"}).status_code == 400
    assert api_client.get(reverse("report-distribution"),
                          {"by": "sector", "fund": "abc"}).status_code == 400
    assert api_client.get(reverse("report-distribution"),
                          {"by": "sector", "start": "2026-02-30"}).status_code == 400
    genders = api_client.get(reverse("report-gender")).json()
    assert [g["label"] for g in genders] == ["Kvinnor", "Män", "Annat eller uppgift saknas"]
    api_client.force_authenticate(world.manager)
    assert api_client.get(reverse("report-distribution"),
                          {"by": "sector"}).status_code == 403
    api_client.force_authenticate(None)
    grants_ = api_client.get(reverse("public-register", args=[world.municipality.slug])).json()
    assert {g["title"] for g in grants_} == {"Undersköterskeutbildning", "Lärarlyft"}


@pytest.mark.parametrize("by", DIMENSIONS)
def test_the_stored_figures_give_what_the_entries_give(grants, by) -> None:
    """Without a period the reports read the ledger's stored figures; with one they sum
    the entries. Over all time both must agree to the öre."""
    from datetime import date

    world = grants[0]
    funds = report_funds(world.officer)
    whole = distribution(funds, by)
    summed = distribution(funds, by, start=date(2000, 1, 1), end=date(2100, 12, 31))
    assert [(r.label, r.granted, r.paid) for r in whole.rows] == [
        (r.label, r.granted, r.paid) for r in summed.rows]
    assert (whole.granted, whole.paid) == (summed.granted, summed.paid)
    assert whole.rows  # something to compare


def test_periods_of_whole_and_part_months_give_what_the_entries_give(grants) -> None:
    """A period's whole months are read from the stored totals per unit and month, its
    part months from the entries: for every shape of period the same as summing all the
    entries."""
    from datetime import date, timedelta

    from kompetensfond.core.actors import SYSTEM
    from kompetensfond.ledger.services import Subject, commitment_create, disbursement_create
    from kompetensfond.reports.selectors import (
        MoneySum,
        _add,
        _entries,
        used_per_unit,
        whole_months,
    )

    world = grants[0]
    y = world.today.year - 1
    days = [date(y, 1, 31), date(y, 2, 1), date(y, 2, 15), date(y, 2, 28), date(y, 3, 31),
            date(y, 4, 1), date(y, 12, 31)]
    for n, on in enumerate(days):
        subject = Subject("test.grant", str(n))
        unit = world.unit if n % 2 else world.administration
        commitment_create(actor=SYSTEM, fund=world.fund, amount=f"{1000 + n}.00",
                          subject=subject, text="t", on=on, org_unit=unit)
        disbursement_create(actor=SYSTEM, fund=world.fund, amount="100.00", subject=subject,
                            text="p", on=on + timedelta(days=1), org_unit=unit)
    funds = report_funds(world.officer)
    periods = [(date(y, 1, 1), date(y, 12, 31)), (date(y, 1, 31), date(y, 2, 1)),
               (date(y, 2, 1), date(y, 2, 28)), (date(y, 1, 15), date(y, 3, 31)),
               (date(y, 2, 2), date(y, 4, 1)), (None, date(y, 2, 14)), (date(y, 2, 16), None),
               (date(y, 2, 15), date(y, 2, 15)), (date(y, 1, 15), date(y, 2, 10)),
               (date(y, 3, 1), date(y, 3, 31)), (date(y, 12, 1), date(y + 1, 1, 31))]
    for start, end in periods:
        expected: dict = {}
        for row in _entries(funds, start, end).values("transaction__org_unit_id",
                                                      "account__kind")\
                .annotate(total=MoneySum("amount")).order_by():
            _add(expected, row["transaction__org_unit_id"], row["account__kind"],
                 row["total"])
        assert used_per_unit(funds, start, end) == expected, (start, end)
    assert whole_months(date(y, 1, 15), date(y, 2, 10)) is None
    assert whole_months(date(y, 1, 1), date(y, 1, 31)) == (date(y, 1, 1), date(y, 1, 1))
    assert whole_months(date(y, 1, 2), date(y, 3, 30)) == (date(y, 2, 1), date(y, 2, 1))
    assert whole_months(None, date(y, 12, 31)) == (None, date(y, 12, 1))
    assert whole_months(date(y, 12, 2), None) == (date(y + 1, 1, 1), None)
