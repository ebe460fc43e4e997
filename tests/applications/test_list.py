"""The application list: search, filters and sorting in the URL, pages and exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kompetensfond.core.models import Role
from kompetensfond.demo.funds import build_demo_funds
from kompetensfond.demo.organisation import SPECS, build_municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def titles(client, **params) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("applications:list"), params)
    assert response.status_code == 200
    return re.findall(r'<td><a href="/ansokningar/\d+/">([^<]+)</a></td>',
                      response.content.decode())


@pytest.fixture
def officer_client(client, stockholm):  # type: ignore[no-untyped-def]
    client.force_login(stockholm.users[Role.FUND_ADMIN])
    return client


def test_free_text_search_in_title_purpose_unit_and_case_number(officer_client,
                                                                  stockholm) -> None:
    assert sorted(titles(officer_client, q="samtal")) == ["Motiverande samtal (MI)",
                                                          "Samtal med barn"]
    assert titles(officer_client, q="universitetskurs") == [  # in the purpose
        "Fördjupning i barnutredningar, 15 hp"]
    assert len(titles(officer_client, q="Förskola")) == 1  # the unit's name
    year = timezone.localdate().year
    assert titles(officer_client, q=f"{year}/7") == ["Samtal med barn"]  # the dnr
    assert titles(officer_client, q="samtal barn") == ["Samtal med barn"]  # every word


def test_filters_combine_and_live_in_the_url(officer_client, stockholm) -> None:
    from kompetensfond.plans.models import Strategy

    units = stockholm.units
    assert len(titles(officer_client, unit=units["Stadsdelsförvaltningen Söder (demo)"].pk)) == 9
    assert titles(officer_client, unit=units["Förskola"].pk) == ["Barnskötare till förskollärare"]
    assert titles(officer_client, status="returned") == ["Signs of Safety i barnutredningar"]
    assert titles(officer_client, decided_by="delegated") == ["Samtal med barn"]
    ks = stockholm.bodies["Kommunstyrelsen"]
    assert sorted(titles(officer_client, decided_by=ks.pk)) == [
        "Fördjupning i barnutredningar, 15 hp", "Konferensresa utan koppling till planen"]
    t3 = Strategy.objects.get(code="T3", plan__municipality=stockholm.municipality)
    assert sorted(titles(officer_client, strategy=t3.pk)) == [
        "Barnskötare till förskollärare", "Vårdbiträde till undersköterska"]
    assert titles(officer_client, strategy=t3.pk, status="recommended") == [
        "Vårdbiträde till undersköterska"]
    today = timezone.localdate()
    assert titles(officer_client, start=today.replace(day=1, month=1).isoformat(),
                  end=today.isoformat(), status="submitted") == ["Motiverande samtal (MI)"]
    assert titles(officer_client, start=(today.replace(year=today.year + 1)).isoformat()) == []


def test_sorting_by_a_column_both_ways(officer_client) -> None:
    down = titles(officer_client, sort="-requested")
    assert down[0] == "Fördjupning i barnutredningar, 15 hp"  # 560 000 kr
    assert titles(officer_client, sort="requested")[0] == "Kurs som ställdes in"  # 40 000 kr
    html = officer_client.get(reverse("applications:list"), {"sort": "title"}).content.decode()
    assert 'aria-sort="ascending"' in html


def test_hostile_filter_values_are_ignored_not_a_server_error(officer_client) -> None:
    for params in ({"unit": "abc"}, {"start": "2026-13-45"}, {"fund": "99999999999999999999"},
                   {"sort": "password"}, {"page": "-1"}, {"q": "x" * 5000},
                   {"decided_by": "1 OR 1=1"}):
        assert officer_client.get(reverse("applications:list"), params).status_code == 200


def test_another_municipalitys_fund_cannot_be_filtered_on(client, stockholm) -> None:
    other = build_municipality(next(s for s in SPECS if s.slug == "orebro"))
    [current, _history] = build_demo_funds(other)
    client.force_login(stockholm.users[Role.FUND_ADMIN])
    assert "Förskollärarlyftet" not in titles(client, fund=current.pk)


def test_the_filtered_list_exports_as_xlsx_and_csv(officer_client, stockholm) -> None:
    response = officer_client.get(reverse("applications:list"),
                                  {"decided_by": "delegated", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content
                                              if response.streaming else [response.content])
                                      )).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "titel", "fond")
    assert [r[1] for r in rows[1:]] == ["Samtal med barn"]
    assert rows[1][rows[0].index("sökt_belopp")] == 95000
    assert rows[1][rows[0].index("beslutat_av")] == "Hanna Handläggare"
    response = officer_client.get(reverse("applications:list"), {"q": "samtal", "export": "csv"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(r[1] for r in reader[1:]) == ["Motiverande samtal (MI)", "Samtal med barn"]


def test_a_manager_lists_and_exports_only_their_subtree(client, stockholm) -> None:
    from kompetensfond.applications.services import Line, application_create

    application_create(actor=stockholm.users[Role.FUND_ADMIN],
                       fund=stockholm.units["Socialförvaltningen"].municipality.funds.get(),
                       unit=stockholm.units["Introduktionsprogram för socialsekreterare"],
                       title="Central kurs", participants_women=3,
                       lines=[Line("course_fee", timezone.localdate().year, "10000.00")])
    client.force_login(stockholm.users[Role.UNIT_MANAGER])
    assert "Central kurs" not in titles(client)
    assert "Central kurs" not in titles(client, q="Central")
    content = client.get(reverse("applications:list"), {"export": "csv"}).content
    assert "Central kurs" not in content.decode("utf-8-sig")


def test_the_list_runs_a_constant_number_of_queries(officer_client, stockholm) -> None:
    from kompetensfond.applications.services import Line, application_create

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            officer_client.get(reverse("applications:list"), {"sort": "-submitted"})
        return len(queries)

    before = count()
    fund = stockholm.municipality.funds.get()
    for n in range(15):
        application_create(actor=stockholm.users[Role.UNIT_MANAGER], fund=fund,
                           unit=stockholm.units["Förskola"], title=f"Extra {n}",
                           participants_women=2,
                           lines=[Line("course_fee", timezone.localdate().year, "1000.00")])
    assert count() == before


def test_meetings_are_filtered_and_exported(officer_client, stockholm) -> None:
    from datetime import timedelta

    today = timezone.localdate()
    url = reverse("applications:meetings")
    html = officer_client.get(url, {"when": "coming"}).content.decode()
    coming = (today + timedelta(days=14)).isoformat()
    assert coming in html
    assert (today - timedelta(days=7)).isoformat() not in html
    html = officer_client.get(url, {"when": "past"}).content.decode()
    assert coming not in html
    assert (today - timedelta(days=7)).isoformat() in html
    response = officer_client.get(url, {"when": "coming", "export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["datum", "organ", "ärenden", "justerat"]
    assert rows[1][:3] == [coming, "Kommunstyrelsen", "1"]
    assert officer_client.get(url, {"body": "abc", "start": "x"}).status_code == 200
