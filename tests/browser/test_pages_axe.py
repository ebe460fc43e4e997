"""Log in as each role, visit every page that role reaches, and check it with axe."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.models import Role
from kompetensfond.demo.funds import build_funds
from kompetensfond.demo.organisation import DEMO_PASSWORD, ROLE_USERS, SPECS, build_municipality
from kompetensfond.demo.plans import build_guideline, build_plan
from kompetensfond.demo.staff import build_staff

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_ROLE_PAGES = ["/", "/organisation/", "/organisation/yrken/", "/organisation/yrken/?alla=1",
                  "/tillganglighet/", "/finns-inte/", "/fonder/"]
LEDGER_ROLES = {Role.FUND_ADMIN, Role.SECRETARY, Role.VIEWER}
AUDIT_ROLES = {Role.FUND_ADMIN, Role.VIEWER}
STAFF_ROLES = {Role.FUND_ADMIN, Role.SECRETARY, Role.VIEWER, Role.UNIT_MANAGER}


@pytest.fixture
def demo_town(ssyk):
    town = build_municipality(SPECS[0])
    build_staff(town.municipality, count=80)
    town.fund = build_funds(town)  # type: ignore[attr-defined]
    town.plan = build_plan(town)  # type: ignore[attr-defined]
    build_guideline(town, town.fund, town.plan)  # type: ignore[attr-defined]
    from kompetensfond.applications.services import Line, application_create

    town.application = application_create(  # type: ignore[attr-defined]
        actor=town.users[Role.UNIT_MANAGER], fund=town.fund,  # type: ignore[attr-defined]
        unit=town.units["Hemtjänst Centrum"], title="Undersköterskeutbildning",
        participants_women=8, lines=[Line("course_fee", 2021, "90000.00")],
        at=date(2021, 3, 1))  # a case of the fund's time, registered as of then
    from kompetensfond.applications.services import meeting_create

    town.meeting = meeting_create(  # type: ignore[attr-defined]
        actor=SYSTEM, body=town.fund.owning_body, on=date(2021, 3, 12))  # type: ignore[attr-defined]
    return town


@pytest.mark.parametrize(("suffix", "role"), [(s, r) for s, r, *_ in ROLE_USERS])
def test_every_page_of_each_role_has_no_axe_violations(page: Page, live_server, demo_town,
                                                        suffix: str, role: str) -> None:
    base = live_server.url
    log_in(page, base, f"sodertalje-{suffix}", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    unit = next(iter(demo_town.units.values()))
    fund = demo_town.fund
    plan = demo_town.plan
    pages = [*ALL_ROLE_PAGES, f"/organisation/enheter/{unit.pk}/", f"/fonder/{fund.pk}/",
             "/planer/", f"/planer/{plan.pk}/", f"/fonder/{fund.pk}/riktlinjer/",
             "/ansokningar/", f"/ansokningar/fond/{fund.pk}/kriterier/"]
    if role in STAFF_ROLES:
        pages.append(f"/ansokningar/{demo_town.application.pk}/")
    if role in {Role.FUND_ADMIN, Role.UNIT_MANAGER}:
        pages += ["/ansokningar/ny/", f"/ansokningar/{demo_town.application.pk}/andra/"]
    if role in LEDGER_ROLES:
        txn = fund.transactions.first()
        pages += [f"/ansokningar/fond/{fund.pk}/rangordning/",
                  f"/ansokningar/fond/{fund.pk}/rangordning/?propose=1&min_share=50",
                  "/ansokningar/sammantraden/",
                  f"/ansokningar/sammantraden/{demo_town.meeting.pk}/",
                  f"/fonder/{fund.pk}/huvudbok/", f"/fonder/{fund.pk}/huvudbok/?kind=commitment",
                  f"/fonder/{fund.pk}/huvudbok/{txn.pk}/", "/rapporter/",
                  "/rapporter/fordelning/?by=strategy", "/rapporter/kon/",
                  "/rapporter/genomslag/", "/rapporter/centralt-och-enheter/?by=sector",
                  "/rapporter/per-anstalld/", f"/rapporter/prognos/?fund={fund.pk}",
                  "/rapporter/beslutsregister/", "/offentligt/sodertalje/bidrag/",
                  "/rapporter/scenario/", "/rapporter/scenario/?amount=10+000&years=2",
                  "/rapporter/scenario/?amount=-1&years=2"]
    pages.append("/kompetenspeng/begaranden/")
    if role in STAFF_ROLES:
        pages.append("/kompetenspeng/")
    if role == Role.EMPLOYEE:
        pages.append("/kompetenspeng/min/")
    if role in LEDGER_ROLES:
        pages.append("/rapporter/scenario/jamfor/")
    if role in AUDIT_ROLES:
        pages.append("/handelselogg/")
        pages.append("/handelselogg/?action=org_unit")
    if role in STAFF_ROLES:
        pages += ["/organisation/medarbetare/", "/organisation/medarbetare/?q=an&status=all",
                  "/organisation/medarbetare/?page=2"]
    if role == Role.FUND_ADMIN:
        pages += ["/organisation/medarbetare/import/", "/utbetalningar/import/",
                  "/kompetenspeng/ny/",
                  "/organisation/enheter/ny/",
                  f"/organisation/enheter/{unit.pk}/andra/", "/fonder/ny/",
                  f"/fonder/{fund.pk}/kapital/ny/", f"/fonder/{fund.pk}/oronmarkningar/ny/",
                  "/fonder/sie-konton/", "/planer/ny/", f"/fonder/{fund.pk}/riktlinjer/andra/",
                  f"/fonder/{fund.pk}/riktlinjer/omgangar/ny/",
                  f"/fonder/{fund.pk}/riktlinjer/delegation/ny/"]
    for path in pages:
        page.goto(base + path)
        assert_accessible(page)
    if role not in AUDIT_ROLES:
        response = page.goto(base + "/handelselogg/")
        assert response is not None
        assert response.status == 403
        assert_accessible(page)


def test_anonymous_pages_have_no_axe_violations(page: Page, live_server) -> None:
    for path in ["/logga-in/", "/tillganglighet/", "/finns-inte/"]:
        page.goto(live_server.url + path)
        assert_accessible(page)


def test_failed_login_shows_an_accessible_swedish_error(page: Page, live_server,
                                                       demo_town) -> None:
    page.goto(live_server.url + "/logga-in/")
    page.get_by_label("Användarnamn").fill("sodertalje-handlaggare")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("Ange ett korrekt användarnamn")
    assert_accessible(page)


def test_keyboard_user_can_skip_to_content_and_switch_language(page: Page, live_server,
                                                               demo_town) -> None:
    log_in(page, live_server.url, "sodertalje-handlaggare", DEMO_PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert_accessible(page)


def test_audit_trail_shows_the_demo_changes(page: Page, live_server, demo_town) -> None:
    log_in(page, live_server.url, "sodertalje-politiker", DEMO_PASSWORD)
    page.get_by_role("link", name="Händelselogg").first.click()
    count = AuditEvent.objects.filter(municipality=demo_town.municipality).count()
    expect(page.locator("caption")).to_contain_text(f"{count} händelser")
    page.get_by_role("combobox", name="Händelse").fill("org_unit")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.locator("tbody tr").first).to_contain_text("org_unit.")


def test_api_docs_render_offline_under_the_csp(page: Page, live_server, demo_town) -> None:
    log_in(page, live_server.url, "sodertalje-handlaggare", DEMO_PASSWORD)
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("kompetensfond API")


def test_staff_import_in_the_browser_errors_then_preview_then_import(
        page: Page, live_server, demo_town, tmp_path) -> None:
    from kompetensfond.organisation.models import Employee
    from tests.organisation.helpers import csv_bytes, row

    log_in(page, live_server.url, "sodertalje-handlaggare", DEMO_PASSWORD)
    page.goto(live_server.url + "/organisation/medarbetare/import/")
    bad = tmp_path / "fel.csv"
    bad.write_bytes(csv_bytes([row("90001", cost_centre="4110", rate="abc"),
                               row("90001", cost_centre="0000")]))
    page.get_by_label("Personalfil (CSV eller XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    expect(page.get_by_role("heading", name="3 fel i filen")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Ingen aktiv enhet har kostnadsställe 0000.")
    assert_accessible(page)
    before = Employee.objects.count()
    good = tmp_path / "ok.csv"
    good.write_bytes(csv_bytes([row("90001", cost_centre="4110"),
                                row("90002", cost_centre="4120", gender="man")]))
    page.goto(live_server.url + "/organisation/medarbetare/import/")
    page.get_by_label("Personalfil (CSV eller XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    expect(page.get_by_role("heading", name="Det här gör importen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Bekräfta och importera").click()
    expect(page.get_by_role("status")).to_contain_text("Personalfilen har importerats.")
    assert_accessible(page)
    assert Employee.objects.count() == before + 2


def test_fund_dashboard_draws_the_burn_down_and_refuses_an_overdraft_in_swedish(
        page: Page, live_server, demo_town) -> None:
    from kompetensfond.funds.models import Earmark

    fund = demo_town.fund
    log_in(page, live_server.url, "sodertalje-handlaggare", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/fonder/{fund.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(fund.name)
    expect(page.locator(".figures")).to_contain_text("150\xa0000\xa0000,00\xa0kr")
    # Chart.js drew on the canvas (a blank canvas has no non-transparent pixel)
    drawn = page.locator("canvas#burndown").evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0)")
    assert drawn
    page.get_by_text("Visa siffrorna som tabell").click()
    expect(page.locator("details table")).to_contain_text("2018-04")
    assert_accessible(page)

    page.get_by_role("link", name="Öronmärk pengar").click()
    page.get_by_label("Namn").fill("Ledarskap")
    page.get_by_label("Belopp").fill("1 000 000")
    page.get_by_role("button", name="Spara").click()  # today is after the fund's period
    expect(page.get_by_role("alert")).to_contain_text("inom fondens period")
    page.locator("#id_on").fill("2021-06-01")
    page.get_by_label("Belopp").fill("999 999 999,00")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("har inte tillräckligt med medel")
    assert_accessible(page)
    assert not Earmark.objects.filter(fund=fund).exists()
    page.get_by_label("Belopp").fill("12,345")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("högst två decimaler")
    page.get_by_label("Belopp").fill("1 000 000")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Öronmärkningen har skapats.")
    expect(page.locator("main")).to_contain_text("Ledarskap")
    assert_accessible(page)


def test_a_draft_plan_with_targets_in_the_browser(page: Page, live_server, demo_town) -> None:
    log_in(page, live_server.url, "sodertalje-handlaggare", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/planer/{demo_town.plan.pk}/")
    expect(page.locator("main")).to_contain_text("60 vårdbiträden blir undersköterskor")
    page.get_by_role("button", name="Starta en ny version").click()
    expect(page.get_by_role("status")).to_contain_text("En ny version har skapats som utkast.")
    expect(page.get_by_role("heading", name="Registrera antagandet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till strategi").click()
    page.get_by_label("Kod").fill("S6")
    page.get_by_label("Namn").fill("Digital kompetens")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="S6 Digital kompetens")).to_be_visible()
    page.get_by_role("link", name="Lägg till mål för S6").click()
    page.get_by_label("Beskrivning").fill("100 medarbetare")
    page.get_by_label("Antal").fill("0")
    page.locator("#id_due_date").fill("2021-06-30")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("Antalet måste vara minst 1.")
    assert_accessible(page)


@pytest.fixture
def running_town(ssyk):
    town = build_municipality(SPECS[3])  # Stockholm: a fund in use, rounds open all year
    town.fund = build_funds(town)  # type: ignore[attr-defined]
    build_guideline(town, town.fund, build_plan(town))  # type: ignore[attr-defined]
    return town


def test_from_draft_to_decision_in_the_browser(page: Page, live_server, running_town) -> None:
    from kompetensfond.applications.models import Application, Decision

    base = live_server.url
    log_in(page, base, "stockholm-chef", DEMO_PASSWORD)
    page.goto(base + "/ansokningar/ny/")
    page.locator("#id_fund").select_option(label="Stadens kompetensfond")
    page.locator("#id_unit").select_option(label="Socialtjänst barn och unga")
    page.locator("#id_title").fill("Handledning i barnutredningar")
    page.locator("#id_participants_women").fill("9")
    page.locator("#id_budget-0-cost_type").select_option("course_fee")
    page.locator("#id_budget-0-year").fill("2026")
    page.locator("#id_budget-0-amount").fill("180 000")
    page.locator("#id_budget-0-amount").blur()
    # the guideline check runs live as the form changes (htmx, under the CSP)
    expect(page.locator("#live-findings")).to_contain_text("medfinansiering")
    assert_accessible(page)
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan har sparats som utkast.")
    assert_accessible(page)
    page.get_by_role("button", name="Skicka in ansökan").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan har skickats in.")
    application = Application.objects.get(title="Handledning i barnutredningar")
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "stockholm-handlaggare", DEMO_PASSWORD)
    page.goto(f"{base}/ansokningar/{application.pk}/")
    page.locator("#id_recommend-outcome_0").check()
    page.get_by_role("button", name="Lämna förslag", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Förslaget till beslut har registrerats.")
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "stockholm-sekreterare", DEMO_PASSWORD)
    page.goto(f"{base}/ansokningar/{application.pk}/")
    assert_accessible(page)
    today = timezone.localdate().isoformat()
    page.locator("#id_decision-meeting_date").fill(today)
    page.locator("#id_decision-outcome_0").check()
    page.locator("#id_decision-case_number").fill("KS 2026/321")
    page.get_by_role("button", name="Registrera beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet har registrerats.")
    expect(page.locator("main")).to_contain_text(f"{today} §\u00a01, dnr KS 2026/321")
    assert_accessible(page)
    assert Decision.objects.get(application=application).amount == 180000


def test_a_meeting_from_agenda_to_approved_minutes_in_the_browser(page: Page, live_server,
                                                                  running_town) -> None:
    """The secretary plans today's meeting, puts two proposals on its agenda, orders them,
    continues the § numbering after items decided elsewhere, records each decision with
    its §, and approves the minutes; axe on every step."""
    from kompetensfond.applications.models import Decision, Outcome
    from kompetensfond.applications.services import (
        Line,
        application_create,
        application_recommend,
        application_submit,
    )

    town = running_town
    manager, officer = town.users[Role.UNIT_MANAGER], town.users[Role.FUND_ADMIN]
    unit = town.units["Socialtjänst barn och unga"]
    proposals = []
    for title, amount in (("Traumamedveten omsorg", "120000.00"), ("Motiverande samtal",
                                                                    "80000.00")):
        application = application_create(actor=manager, fund=town.fund, unit=unit,
                                         title=title, participants_women=5,
                                         cofunding="20000.00",
                                         lines=[Line("course_fee", 2026, amount)])
        application_submit(actor=manager, application=application)
        application_recommend(actor=officer, application=application,
                              outcome=Outcome.GRANTED, amount=None, reason="Bygger på planen")
        proposals.append(application)
    base = live_server.url
    today = timezone.localdate().isoformat()
    log_in(page, base, "stockholm-sekreterare", DEMO_PASSWORD)
    page.goto(base + "/ansokningar/sammantraden/")
    new_meeting = page.get_by_role("form", name="Nytt sammanträde")
    new_meeting.get_by_label("Organ").select_option(label=town.fund.owning_body.name)
    new_meeting.get_by_label("Sammanträdesdatum").fill(today)
    new_meeting.get_by_role("button", name="Skapa sammanträde").click()
    expect(page.get_by_role("heading", name="Dagordning", exact=True)).to_be_visible()
    assert_accessible(page)
    for application in proposals:
        page.get_by_label("Ansökan med förslag till beslut").select_option(
            label=application.title)
        page.get_by_role("button", name="Sätt upp på dagordningen").click()
        expect(page.get_by_role("status")).to_contain_text("Ansökan har satts upp")
    page.get_by_role("button", name="Flytta upp ärende 2").click()
    expect(page.locator("tbody tr").first).to_contain_text("Motiverande samtal")
    page.get_by_label("Senast använda §").fill("140")
    page.get_by_role("button", name="Ställ in numreringen").click()
    expect(page.get_by_role("status")).to_contain_text("Paragrafnumreringen har ställts in.")
    assert_accessible(page)
    for n in (1, 2):
        page.get_by_text(f"Registrera beslutet i ärende {n}").click()
        form = page.locator("details[open] form")
        form.get_by_label("Bevilja", exact=True).check()
        form.get_by_label("Diarienummer (dnr)").fill(f"KS 2026/{400 + n}")
        form.get_by_role("button", name="Registrera beslut").click()
        expect(page.get_by_role("status")).to_contain_text("Beslutet har registrerats.")
        assert_accessible(page)
    assert sorted(Decision.objects.values_list("paragraph", flat=True)) == [141, 142]
    page.get_by_label("Protokollet justerat den").fill(today)
    page.get_by_role("button", name="Justera protokollet").click()
    expect(page.get_by_role("status")).to_contain_text("Protokollet har justerats.")
    expect(page.locator("main")).to_contain_text("Sammanträdet är avslutat och ändras inte.")
    expect(page.get_by_role("button", name="Sätt upp på dagordningen")).to_have_count(0)
    assert_accessible(page)


@pytest.fixture
def fresh_demo(ssyk):
    """Södertälje as `make demo` loads it: the seed's fund closed as history and the fund
    that runs today, with applications in every state."""
    from kompetensfond.demo.funds import build_demo_funds

    town = build_municipality(SPECS[0])
    build_staff(town.municipality, count=80)
    town.funds = build_demo_funds(town)  # type: ignore[attr-defined]
    return town


def test_a_newcomer_applies_and_gets_a_decision_today_in_a_fresh_demo(
        page: Page, live_server, fresh_demo) -> None:
    """Nothing created first: the manager writes and submits on today's date, the case
    officer assigns a reviewer, the reviewer assesses, the officer proposes, the secretary
    decides at today's meeting with a §, and the minutes extract is a PDF; axe on each
    page."""
    from kompetensfond.applications.models import Application, Decision

    base = live_server.url
    today = timezone.localdate()
    current = fresh_demo.funds[0]  # type: ignore[attr-defined]
    log_in(page, base, "sodertalje-chef", DEMO_PASSWORD)
    # the home page lists the manager's draft and the application returned for completion
    expect(page.locator("#todo-drafts")).to_contain_text("(1)")
    expect(page.locator("main")).to_contain_text("Bifoga utbildningsanordnarens kursplan.")
    assert_accessible(page)
    page.get_by_role("link", name="Ny ansökan").first.click()
    page.locator("#id_fund").select_option(label=current.name)
    page.locator("#id_unit").select_option(label="Hemtjänst Centrum")
    page.locator("#id_title").fill("Förflyttningsteknik för hemtjänsten")
    page.get_by_label("S1 Utveckla medarbetare i nuvarande roll").check()
    # the occupation picker narrows 429 groups to what is typed
    page.get_by_label("Sök i listan").first.fill("underskö")
    page.get_by_label("5321 Undersköterskor, hemtjänst, hemsjukvård och äldreboende").check()
    expect(page.get_by_label("2341 Grundskollärare")).to_be_hidden()
    page.locator("#id_participants_women").fill("10")
    page.locator("#id_participants_men").fill("1")
    page.locator("#id_cofunding").fill("20 000")
    page.locator("#id_budget-0-cost_type").select_option("course_fee")
    page.locator("#id_budget-0-year").fill(str(today.year))
    page.locator("#id_budget-0-amount").fill("120 000")
    page.locator("#id_budget-0-amount").blur()
    assert_accessible(page)
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan har sparats som utkast.")
    expect(page.locator("main")).to_contain_text("10 kvinnor, 1 man, 0 annat eller ej angivet")
    page.get_by_role("button", name="Skicka in ansökan").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan har skickats in.")
    application = Application.objects.get(title="Förflyttningsteknik för hemtjänsten")
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "sodertalje-handlaggare", DEMO_PASSWORD)
    expect(page.locator("main")).to_contain_text("Förflyttningsteknik för hemtjänsten")
    page.get_by_role("link", name="Förflyttningsteknik för hemtjänsten").first.click()
    page.get_by_label("Bertil Bedömare").check()
    page.get_by_role("button", name="Tilldela bedömare").click()
    expect(page.get_by_role("status")).to_contain_text("Bedömarna har tilldelats.")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "sodertalje-bedomare", DEMO_PASSWORD)
    page.get_by_role("link", name="Förflyttningsteknik för hemtjänsten").first.click()
    page.get_by_label("Nej, jag är inte jävig").check()
    page.get_by_role("button", name="Spara", exact=True).click()
    for select in page.locator("select[id^='id_c']").all():
        select.select_option("4")
    page.get_by_role("button", name="Spara bedömning").click()
    expect(page.get_by_role("status")).to_contain_text("Din bedömning har sparats.")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "sodertalje-handlaggare", DEMO_PASSWORD)
    expect(page.locator("#todo-to-propose")).to_contain_text("(1)")
    page.goto(f"{base}/ansokningar/{application.pk}/")
    page.locator("#id_recommend-outcome_0").check()
    page.get_by_role("button", name="Lämna förslag", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Förslaget till beslut har registrerats.")
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "sodertalje-sekreterare", DEMO_PASSWORD)
    page.goto(f"{base}/ansokningar/{application.pk}/")
    page.locator("#id_decision-meeting_date").fill(today.isoformat())
    page.locator("#id_decision-outcome_0").check()
    page.locator("#id_decision-case_number").fill(f"KS {today.year}/555")
    page.get_by_role("button", name="Registrera beslut").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet har registrerats.")
    decision = Decision.objects.get(application=application)
    assert decision.decided_on == today
    assert decision.paragraph is not None
    expect(page.locator("main")).to_contain_text(
        f"{today.isoformat()} §\u00a0{decision.paragraph}, dnr KS {today.year}/555")
    assert_accessible(page)
    pdf = page.request.get(f"{base}/ansokningar/{application.pk}/protokollsutdrag.pdf")
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")


def test_payments_and_the_follow_up_in_the_browser(page: Page, live_server,
                                                   running_town) -> None:
    """The case officer pays a grant on its page and imports a second payment from the
    finance system's file; the unit manager reports the outcome; the case officer accepts
    the report, which gives back what was not used and closes the grant. axe on each page."""
    from kompetensfond.applications.models import Outcome, Status
    from kompetensfond.applications.services import (
        Line,
        application_create,
        application_recommend,
        application_submit,
        decision_record_at_meeting,
    )
    from kompetensfond.followup.models import FollowUp, FollowUpKind, Payment

    town = running_town
    manager, officer = town.users[Role.UNIT_MANAGER], town.users[Role.FUND_ADMIN]
    application = application_create(
        actor=manager, fund=town.fund, unit=town.units["Socialtjänst barn och unga"],
        title="Traumamedveten omsorg", participants_women=5, participants_men=1,
        cofunding="30000.00", lines=[Line("course_fee", timezone.localdate().year,
                                          "120000.00")])
    application_submit(actor=manager, application=application)
    application_recommend(actor=officer, application=application, outcome=Outcome.GRANTED,
                          amount=None, reason="Bygger på planen")
    decision_record_at_meeting(actor=town.users[Role.SECRETARY], application=application,
                               on=timezone.localdate(), outcome=Outcome.GRANTED,
                               case_number="KS 2026/555")
    base, today = live_server.url, timezone.localdate().isoformat()

    log_in(page, base, "stockholm-handlaggare", DEMO_PASSWORD)
    page.goto(f"{base}/ansokningar/{application.pk}/")
    page.locator("#id_payment-amount").fill("80 000")
    page.locator("#id_payment-on").fill(today)
    page.locator("#id_payment-voucher").fill("V-2026-1")
    page.get_by_role("button", name="Registrera utbetalning").click()
    expect(page.get_by_role("status")).to_contain_text("Utbetalningen har registrerats.")
    expect(page.locator("main")).to_contain_text("Pågående")
    assert_accessible(page)

    page.goto(f"{base}/utbetalningar/import/")
    assert_accessible(page)
    page.locator("#id_file").set_input_files(files=[{
        "name": "utbetalningar.csv", "mimeType": "text/csv",
        "buffer": f"Verifikation;Datum;Belopp;Dnr\nV-2026-2;{today};20 000,00;KS 2026/555\n"
                  .encode()}])
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.get_by_role("table")).to_contain_text("V-2026-2")
    assert_accessible(page)
    assert Payment.objects.filter(application=application).count() == 1
    page.get_by_role("button", name="Registrera 1 utbetalning").click()
    expect(page.get_by_role("status")).to_contain_text("1 utbetalning på 20\u00a0000,00")
    assert Payment.objects.filter(application=application).count() == 2
    page.get_by_role("button", name="Logga ut").click()

    final = FollowUp.objects.get(application=application, kind=FollowUpKind.FINAL)
    log_in(page, base, "stockholm-chef", DEMO_PASSWORD)
    page.goto(f"{base}/uppfoljning/{final.pk}/")
    assert_accessible(page)
    page.locator("#id_cost_course_fee").fill("90 000")
    page.locator("#id_started_women").fill("5")
    page.locator("#id_completed_women").fill("4")
    page.locator("#id_dropped_women").fill("1")
    page.locator("#id_started_men").fill("1")
    page.locator("#id_completed_men").fill("1")
    page.get_by_label("Vad bidraget har gett").fill("Fyra av fem har gått hela utbildningen.")
    page.get_by_role("button", name="Lämna redovisningen").click()
    expect(page.get_by_role("status")).to_contain_text("Redovisningen har lämnats.")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "stockholm-handlaggare", DEMO_PASSWORD)
    page.goto(f"{base}/uppfoljning/{final.pk}/")
    page.get_by_role("button", name="Godkänn redovisningen").click()
    expect(page.get_by_role("status")).to_contain_text("Redovisningen har godkänts.")
    assert_accessible(page)
    application.refresh_from_db()
    assert application.status == Status.CLOSED
