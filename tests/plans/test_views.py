"""Plan and guideline pages and API, as a case officer and as a reader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.plans.models import ApplicationRound, Guideline, Plan, PlanStatus, Strategy
from kompetensfond.plans.services import guideline_save, plan_create, strategy_create
from tests.factories import BodyFactory, fund_with_capital

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


@pytest.fixture
def plan(municipality, fund_admin):
    plan = plan_create(actor=fund_admin, municipality=municipality, title="Plan 2025",
                       valid_from=date(2025, 1, 1), valid_to=date(2027, 12, 31))
    strategy_create(actor=fund_admin, plan=plan, code="S1", title="Chefer")
    return plan


def test_case_officer_builds_and_adopts_a_plan_in_the_ui(client, municipality, fund_admin) -> None:
    client.force_login(fund_admin)
    body = BodyFactory(municipality=municipality, name="Personalutskottet")
    response = client.post(reverse("plans:create"), {
        "title": "Kompetensförsörjningsplan 2026", "valid_from": "2026-01-01",
        "valid_to": "2028-12-31"})
    plan = Plan.objects.get()
    assert response.url == reverse("plans:detail", args=[plan.pk])
    client.post(reverse("plans:strategy-create", args=[plan.pk]), {
        "code": "S1", "title": "Rekrytera till bristyrken", "description": ""})
    strategy = Strategy.objects.get()
    bad = client.post(reverse("plans:target-create", args=[plan.pk, strategy.pk]), {
        "kind": "participants", "description": "20 socionomer", "count": "-2",
        "due_date": "2025-06-01"})
    page = bad.content.decode()
    assert "Antalet måste vara minst 1." in page
    client.post(reverse("plans:target-create", args=[plan.pk, strategy.pk]), {
        "kind": "participants", "description": "20 socionomer", "count": "20",
        "due_date": "2028-06-01"})
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "20 socionomer" in detail
    assert "Registrera antagandet" in detail
    response = client.post(reverse("plans:adopt", args=[plan.pk]), {
        "adopted_by": body.pk, "adopted_on": "2026-02-10", "paragraph": "7",
        "case_number": "PU 2026/2"}, follow=True)
    assert "Planen har antagits." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED
    response = client.post(reverse("plans:new-version", args=[plan.pk]), follow=True)
    assert "En ny version har skapats som utkast." in response.content.decode()
    assert Plan.objects.filter(status=PlanStatus.DRAFT, replaces=plan).exists()


def test_guideline_pages(client, municipality, fund_admin, viewer, plan) -> None:
    fund = fund_with_capital(municipality, "2000000.00")
    client.force_login(viewer)
    page = client.get(reverse("plans:guideline", args=[fund.pk])).content.decode()
    assert "Fonden har inga riktlinjer ännu." in page
    assert "Ange riktlinjerna" not in page
    assert client.get(reverse("plans:guideline-edit", args=[fund.pk])).status_code == 403

    client.force_login(fund_admin)
    bad = client.post(reverse("plans:guideline-edit", args=[fund.pk]), {
        "plan": plan.pk, "eligible_cost_types": ["course_fee"],
        "max_per_application": "-5", "min_cofunding_percent": "150"})
    text = bad.content.decode()
    assert "Ett tak kan inte vara under 0 kr." in text or "under 0 kr" in text
    assert not Guideline.objects.exists()
    client.post(reverse("plans:guideline-edit", args=[fund.pk]), {
        "plan": plan.pk, "eligible_cost_types": ["course_fee", "literature"],
        "max_per_application": "250 000", "max_per_participant": "",
        "min_cofunding_percent": "10", "requires_strategy": "on", "text": "Regler"})
    guideline = Guideline.objects.get()
    assert guideline.max_per_application == Decimal("250000.00")
    response = client.post(reverse("plans:round-create", args=[fund.pk]), {
        "name": "Våren 2026", "opens_at": "2026-03-31T00:00", "closes_at": "2026-03-01T00:00"})
    assert "Omgången måste stänga efter att den öppnar." in response.content.decode()
    client.post(reverse("plans:round-create", args=[fund.pk]), {
        "name": "Våren 2026", "opens_at": "2026-03-01T08:00", "closes_at": "2026-03-31T23:59"})
    stored = ApplicationRound.objects.get()
    assert stored.opens_at.isoformat() == "2026-03-01T07:00:00+00:00"  # CET = UTC+1
    assert stored.closes_at.isoformat() == "2026-03-31T21:59:00+00:00"  # CEST = UTC+2
    response = client.post(reverse("plans:delegation-create", args=[fund.pk]), {
        "body": fund.owning_body.pk, "max_amount": "3 000 000", "delegation_point": "4.3",
        "delegate_role": "fund_admin"}, follow=True)
    assert "är högre än fondens kapital" in response.content.decode()
    page = client.get(reverse("plans:guideline", args=[fund.pk])).content.decode()
    assert "Kursavgift, Kurslitteratur" in page
    assert "2026-03-01 08:00" in page
    assert "3\xa0000\xa0000,00\xa0kr" in page


def test_api_plans_strategies_and_guideline_check(api_client, municipality, fund_admin,
                                                  plan) -> None:
    api_client.force_authenticate(fund_admin)
    created = api_client.post(reverse("plan-list"), {
        "title": "Ny plan", "valid_from": "2026-01-01", "valid_to": "2026-12-31"},
        format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "draft"
    strategies = api_client.get(reverse("plan-strategies", args=[plan.pk])).json()
    assert [s["code"] for s in strategies] == ["S1"]
    added = api_client.post(reverse("plan-strategies", args=[plan.pk]),
                            {"code": "S2", "title": "Pedagoger"}, format="json")
    assert added.status_code == 201
    duplicate = api_client.post(reverse("plan-strategies", args=[plan.pk]),
                                {"code": "S2", "title": "Igen"}, format="json")
    assert duplicate.status_code == 409

    fund = fund_with_capital(municipality, "1000000.00")
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=plan,
                               eligible_cost_types=["course_fee"],
                               max_per_application=Decimal("100000.00"))
    s1 = plan.strategies.get(code="S1")
    response = api_client.post(reverse("guideline-check", args=[guideline.pk]), {
        "budget": [{"cost_type": "course_fee", "amount": "100000.01"},
                   {"cost_type": "travel", "amount": "500"}],
        "participants": 5, "strategies": [s1.pk]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["blocks"] is True
    assert {f["code"] for f in body["findings"]} == {"cost_type_not_eligible",
                                                     "over_application_ceiling"}
    assert body["decided_by"] == {"body": str(fund.owning_body)}
    bad = api_client.post(reverse("guideline-check", args=[guideline.pk]), {
        "budget": [{"cost_type": "course_fee", "amount": "12,345"}], "participants": 1},
        format="json")
    assert bad.status_code == 400


def test_earmark_restricted_to_a_strategy(client, api_client, municipality, fund_admin,
                                          plan) -> None:
    from kompetensfond.funds.models import Earmark

    fund = fund_with_capital(municipality, "1000000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))
    s1 = plan.strategies.get(code="S1")
    client.force_login(fund_admin)
    response = client.post(reverse("funds:earmark-create", args=[fund.pk]), {
        "name": "Chefsprogram", "amount": "400 000", "purpose": "", "strategies": [s1.pk],
        "on": "2025-02-01"})
    assert response.status_code == 302
    earmark = Earmark.objects.get()
    assert list(earmark.strategies.all()) == [s1]
    assert "strategi S1" in client.get(reverse("funds:detail", args=[fund.pk])).content.decode()
    api_client.force_authenticate(fund_admin)
    listed = api_client.get(reverse("fund-earmarks", args=[fund.pk])).json()
    assert listed[0]["strategies"] == [s1.pk]
    unknown = api_client.post(reverse("fund-earmarks", args=[fund.pk]), {
        "name": "X", "amount": "1", "date": "2025-02-01", "strategies": [999999]},
        format="json")
    assert unknown.status_code == 400
