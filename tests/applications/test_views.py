"""The application pages: a manager applies, the case officer proposes, the secretary
records the decision; every step through the UI, with Swedish errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.applications.models import Application, Decision, Status
from kompetensfond.core.models import Role
from kompetensfond.ledger.selectors import fund_balance
from tests.factories import OrgUnitFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def form_data(world, amount: str, **overrides):  # type: ignore[no-untyped-def]
    data = {"fund": world.fund.pk, "unit": world.unit.pk,
            "title": "Undersköterskeutbildning", "purpose": "Behörighet",
            "expected_effect": "", "strategies": [world.strategy.pk],
            "participants_women": "12", "participants_men": "3", "participants_other": "0",
            "cofunding": "50 000", "budget-TOTAL_FORMS": "4", "budget-INITIAL_FORMS": "0",
            "budget-MIN_NUM_FORMS": "0", "budget-MAX_NUM_FORMS": "30",
            "budget-0-cost_type": "course_fee", "budget-0-year": "2026",
            "budget-0-amount": amount}
    data.update(overrides)
    return data


def test_the_whole_path_in_the_ui(client, world, fund_admin, viewer) -> None:
    client.force_login(world.manager)
    response = client.post(reverse("applications:create"), form_data(world, "700 000"))
    application = Application.objects.get()
    assert response.url == reverse("applications:detail", args=[application.pk])
    page = client.get(response.url).content.decode()
    assert "Ansökan gäller 700\xa0000,00\xa0kr; högst 600\xa0000,00\xa0kr" in page
    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    assert "Ansökan följer inte fondens riktlinjer" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    client.post(reverse("applications:edit", args=[application.pk]),
                form_data(world, "450 000"))
    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    assert "Ansökan har skickats in." in response.content.decode()

    client.force_login(fund_admin)
    client.post(reverse("applications:review", args=[application.pk]))
    response = client.post(reverse("applications:recommend", args=[application.pk]), {
        "recommend-outcome": "partly_granted", "recommend-amount": "400 000",
        "recommend-reason": "Fler deltagare behövs"}, follow=True)
    assert "Förslaget till beslut har registrerats." in response.content.decode()

    client.force_login(world.secretary)
    response = client.post(reverse("applications:decide", args=[application.pk]), {
        "decision-meeting_date": world.today.isoformat(), "decision-outcome": "partly_granted",
        "decision-amount": "400 000", "decision-conditions": "Slutrapport senast 2027-01-31",
        "decision-reason": "", "decision-case_number": "KS 2026/9",
        "decision-paragraph": "23"}, follow=True)
    page = response.content.decode()
    assert "Beslutet har registrerats." in page
    assert f"{world.today.isoformat()} §\xa023, dnr KS 2026/9" in page
    decision = Decision.objects.get()
    assert decision.amount == Decimal("400000.00")
    assert fund_balance(world.fund).committed == Decimal("400000.00")

    client.force_login(viewer)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Delvis beviljad" in page
    assert "Registrera beslut" not in page


def test_budget_row_half_filled_is_a_swedish_error(client, world) -> None:
    client.force_login(world.manager)
    response = client.post(reverse("applications:create"), form_data(
        world, "", **{"budget-0-amount": ""}))
    assert "Fyll i kostnadsslag, år och belopp" in response.content.decode()
    assert not Application.objects.exists()


def test_a_decision_that_would_overdraw_writes_nothing(client, world, fund_admin) -> None:
    client.force_login(world.manager)
    client.post(reverse("applications:create"), form_data(world, "450 000"))
    application = Application.objects.get()
    client.post(reverse("applications:submit", args=[application.pk]))
    client.force_login(fund_admin)
    client.post(reverse("applications:recommend", args=[application.pk]), {
        "recommend-outcome": "granted", "recommend-reason": ""})
    from kompetensfond.ledger.services import Subject, commitment_create

    commitment_create(actor=fund_admin, fund=world.fund, amount="700000.00",
                      subject=Subject("x", "1"), text="Annat", on=world.today)
    client.force_login(world.secretary)
    response = client.post(reverse("applications:decide", args=[application.pk]), {
        "decision-meeting_date": world.today.isoformat(), "decision-outcome": "granted"},
        follow=True)
    assert "Tillgängligt: 300\xa0000,00\xa0kr" in response.content.decode()
    assert not Decision.objects.exists()
    from kompetensfond.applications.models import Meeting

    assert not Meeting.objects.exists()  # the refused decision left no meeting behind


def test_managers_see_only_their_own_units(client, world, municipality) -> None:
    client.force_login(world.manager)
    client.post(reverse("applications:create"), form_data(world, "100 000"))
    application = Application.objects.get()
    other = member(municipality, Role.UNIT_MANAGER,
                   unit=OrgUnitFactory(municipality=municipality), username="annan")
    client.force_login(other)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
    assert application.title not in client.get(reverse("applications:list")).content.decode()
    employee = member(municipality, Role.EMPLOYEE, username="mira")
    client.force_login(employee)
    assert client.get(reverse("applications:create")).status_code == 403


def test_another_municipality_cannot_see_or_decide(client, api_client, world,
                                                   other_municipality) -> None:
    client.force_login(world.manager)
    client.post(reverse("applications:create"), form_data(world, "100 000"))
    application = Application.objects.get()
    outsider = member(other_municipality, Role.SECRETARY, username="utsocknes")
    client.force_login(outsider)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("applications:decide", args=[application.pk]), {
        "decision-meeting_date": world.today.isoformat(),
        "decision-outcome": "granted"}).status_code == 404


def test_live_guideline_check_while_filling_in_the_form(client, world) -> None:
    client.force_login(world.manager)
    response = client.post(reverse("applications:check"), form_data(world, "700 000",
                                                                     strategies=[]))
    page = response.content.decode()
    assert "högst 600\xa0000,00\xa0kr" in page
    assert "Koppla ansökan till minst en strategi" in page
    assert not Application.objects.exists()  # nothing is saved
    ok = client.post(reverse("applications:check"), form_data(world, "400 000")).content
    assert "följer fondens riktlinjer" in ok.decode()
    blank = client.post(reverse("applications:check"), {}).content.decode()
    assert "Välj fonden" in blank


def test_named_participants_are_picked_from_the_units_staff(client, world, municipality,
                                                            ) -> None:
    """Choosing the unit loads its staff (htmx); ticked employees become the named
    participants and give the counts by gender. Staff of other units are not offered."""
    from kompetensfond.organisation.models import Gender
    from tests.factories import EmployeeFactory

    asa = EmployeeFactory(unit=world.unit, first_name="Åsa", last_name="Öberg")
    erik = EmployeeFactory(unit=world.unit, first_name="Erik", last_name="Ek", gender=Gender.MAN)
    elsewhere = OrgUnitFactory(municipality=municipality, name="Skolan")
    stranger = EmployeeFactory(unit=elsewhere, first_name="Nils", last_name="Nilsson")
    client.force_login(world.manager)
    picker = client.get(reverse("applications:participants"),
                        {"unit": world.unit.pk}).content.decode()
    assert "Åsa Öberg" in picker
    assert "Erik Ek" in picker
    assert "Nils Nilsson" not in picker
    # a unit outside the manager's subtree gives no staff
    assert "Nils Nilsson" not in client.get(reverse("applications:participants"),
                                            {"unit": elsewhere.pk}).content.decode()
    response = client.post(reverse("applications:create"), form_data(
        world, "100 000", participants=[asa.pk, erik.pk]))
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get()
    assert set(application.named_participants.all()) == {asa, erik}
    assert (application.participants_women, application.participants_men) == (1, 1)
    # someone else's employee cannot be slipped in
    response = client.post(reverse("applications:create"), form_data(
        world, "100 000", title="Annan", participants=[stranger.pk]))
    assert response.status_code == 200
    assert Application.objects.count() == 1
    # the edit page shows the unit's staff with the ticks kept
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    import re

    boxes = dict(re.findall(r'<input type="checkbox" name="participants" value="(\d+)"([^>]*)>',
                            page))
    assert "checked" in boxes[str(asa.pk)]
    assert "checked" in boxes[str(erik.pk)]


def test_live_check_shows_the_running_total_and_cofunding_share(client, world) -> None:
    client.force_login(world.manager)
    data = form_data(world, "150 000", cofunding="50 000")
    data.update({"budget-1-cost_type": "travel", "budget-1-year": "2026",
                 "budget-1-amount": "50 000"})
    page = client.post(reverse("applications:check"), data).content.decode()
    assert "200\xa0000,00\xa0kr" in page  # requested: both rows
    assert "250\xa0000,00\xa0kr" in page  # total cost with the co-funding
    assert "20,0 % av kostnaden" in page
    # a row ticked for removal is not counted
    data["budget-1-DELETE"] = "on"
    page = client.post(reverse("applications:check"), data).content.decode()
    assert "150\xa0000,00\xa0kr" in page
    assert "25,0 % av kostnaden" in page
