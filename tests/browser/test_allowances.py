"""The development allowance in a real browser: the case officer calculates and creates a
scheme, the employee claims with a receipt, the manager approves from the home page, the
case officer pays; the uptake report and the proposals side by side. axe on every page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kompetensfond.allowances.models import AllowanceScheme, Claim, ClaimStatus
from kompetensfond.demo.funds import build_funds
from kompetensfond.demo.organisation import DEMO_PASSWORD, SPECS, build_municipality
from kompetensfond.demo.staff import build_staff

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def district(ssyk):
    town = build_municipality(SPECS[3])  # Stockholm: its fund runs today
    build_staff(town.municipality, count=150)  # with Mira, the demo employee
    town.fund = build_funds(town)  # type: ignore[attr-defined]
    return town


def test_an_allowance_from_scheme_to_paid_claim_in_the_browser(page: Page, live_server,
                                                               district) -> None:
    base, today = live_server.url, timezone.localdate()
    log_in(page, base, "stockholm-handlaggare", DEMO_PASSWORD)
    page.goto(f"{base}/kompetenspeng/")
    assert_accessible(page)
    page.get_by_role("link", name="Ny ordning").click()
    assert_accessible(page)
    page.locator("#id_fund").select_option(label=district.fund.name)
    page.locator("#id_name").fill("Kompetensutvecklingspeng Söder")
    page.locator("#id_amount").fill("10 000")
    page.get_by_label("2661 Socialsekreterare").check()
    page.get_by_label("Stadsdelsförvaltningen Söder (demo)").check()
    page.get_by_role("button", name="Beräkna").click()
    expect(page.get_by_role("heading", name="Beräkning")).to_be_visible()
    assert not AllowanceScheme.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Skapa och reservera").click()
    expect(page.get_by_role("status")).to_contain_text("Ordningen har skapats")
    expect(page.locator("main")).to_contain_text("Huvudboken stämmer")
    assert_accessible(page)
    scheme = AllowanceScheme.objects.get()
    page.goto(f"{base}/kompetenspeng/{scheme.pk}/utnyttjande/?by=gender")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "stockholm-medarbetare", DEMO_PASSWORD)
    expect(page.locator("main")).to_contain_text("kvar att begära")
    page.get_by_role("link", name="Min kompetensutvecklingspeng").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Begär ersättning").click()
    assert_accessible(page)
    page.locator("#id_activity").fill("Motiverande samtal")
    page.locator("#id_provider").fill("Socionomförbundet")
    page.locator("#id_category").select_option("course")
    page.locator("#id_start_date").fill(today.isoformat())
    page.locator("#id_end_date").fill(today.isoformat())
    page.locator("#id_cost").fill("12 000")  # more than the allowance
    page.locator("#id_receipt").set_input_files(files=[{
        "name": "kvitto.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Skicka till min chef").click()
    expect(page.locator(".error-summary")).to_contain_text("mer än vad som återstår")
    assert_accessible(page)
    page.locator("#id_cost").fill("4 500")
    page.locator("#id_receipt").set_input_files(files=[{
        "name": "kvitto.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Skicka till min chef").click()
    expect(page.get_by_role("status")).to_contain_text("Din begäran har skickats")
    assert_accessible(page)
    claim = Claim.objects.get()
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "stockholm-chef", DEMO_PASSWORD)
    page.get_by_role("link", name="Motiverande samtal").click()
    assert_accessible(page)
    page.get_by_label("Kommentar eller motivering").fill("I linje med utvecklingsplanen.")
    page.get_by_role("button", name="Godkänn").click()
    expect(page.get_by_role("status")).to_contain_text("Begäran har godkänts.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    page.goto(f"{base}/kompetenspeng/begaranden/")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, base, "stockholm-handlaggare", DEMO_PASSWORD)
    page.goto(f"{base}/kompetenspeng/begaranden/{claim.pk}/")
    page.locator("#id_payment-voucher").fill("LÖN-2026-12")
    page.get_by_role("button", name="Registrera utbetalningen").click()
    expect(page.get_by_role("status")).to_contain_text("Utbetalningen har registrerats.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert_accessible(page)

    page.goto(f"{base}/rapporter/scenario/?amount=10+000&years=4&occupations="
              f"{claim.allowance.employee.occupation_id}")
    page.locator("#id_name").fill("Motionen")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Förslaget har sparats.")
    expect(page.get_by_role("table")).to_contain_text("Motionen")
    assert_accessible(page)
