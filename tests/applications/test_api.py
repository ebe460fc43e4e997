"""The applications API: the whole path from draft to decision, refusals with Swedish
details, the actions the caller can take, meetings with an agenda, tenancy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.applications.models import Application, Decision
from kompetensfond.applications.services import criterion_create
from kompetensfond.core.models import Role
from kompetensfond.ledger.selectors import fund_balance
from tests.factories import member

pytestmark = pytest.mark.django_db


def create(api_client, world, amount="200000.00"):  # type: ignore[no-untyped-def]
    return api_client.post(reverse("application-list"), {
        "fund": world.fund.pk, "unit": world.unit.pk, "title": "Traineeprogram",
        "participants_women": 8, "participants_men": 4, "occupations": ["2661"],
        "strategies": [world.strategy.pk],
        "budget": [{"cost_type": "course_fee", "year": 2026, "amount": amount}]},
        format="json")


def post(api_client, name, pk, body=None):  # type: ignore[no-untyped-def]
    return api_client.post(reverse(name, args=[pk]), body or {}, format="json")


def test_from_draft_to_decision_through_the_api(api_client, world) -> None:
    api_client.force_authenticate(world.manager)
    created = create(api_client, world)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["requested"] == "200000.00"
    assert created.json()["actions"] == ["submit", "withdraw"]
    assert post(api_client, "application-submit", pk).json()["status"] == "submitted"
    api_client.force_authenticate(world.officer)
    assert post(api_client, "application-start-review", pk).status_code == 200
    response = post(api_client, "application-recommend", pk, {"outcome": "granted"})
    assert response.json()["status"] == "recommended"
    api_client.force_authenticate(world.secretary)
    assert api_client.get(reverse("application-detail", args=[pk])).json()["actions"] == [
        "decide"]
    response = post(api_client, "application-decide", pk, {
        "outcome": "granted", "meeting_date": world.today.isoformat(),
        "case_number": "KS 2026/9", "paragraph": 17})
    assert response.status_code == 200, response.json()
    decision = response.json()["decision"]
    assert decision["paragraph"] == 17
    assert decision["amount"] == "200000.00"
    assert fund_balance(world.fund).committed == Decimal("200000.00")


def test_guideline_errors_are_400_with_findings(api_client, world) -> None:
    api_client.force_authenticate(world.manager)
    pk = create(api_client, world, "600000.01").json()["id"]
    response = post(api_client, "application-submit", pk)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "guideline_errors"
    assert [f["code"] for f in body["findings"]] == ["over_application_ceiling"]
    assert "högst 600\xa0000,00\xa0kr" in body["detail"]
    assert Application.objects.get().status == "draft"


def test_illegal_transition_is_409_and_bad_amount_is_400(api_client, world) -> None:
    api_client.force_authenticate(world.officer)
    pk = create(api_client, world).json()["id"]
    response = post(api_client, "application-recommend", pk, {"outcome": "granted"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "Utkast" in response.json()["detail"]
    bad = create(api_client, world, "12.345")
    assert bad.status_code == 400
    assert "högst två decimaler" in bad.json()["detail"]


def test_delegated_decision_and_overdraw(api_client, world) -> None:
    api_client.force_authenticate(world.manager)
    small = create(api_client, world, "50000.00").json()["id"]
    big = create(api_client, world, "600000.00").json()["id"]
    big2 = create(api_client, world, "500000.00").json()["id"]
    for pk in (small, big, big2):
        post(api_client, "application-submit", pk)
    api_client.force_authenticate(world.officer)
    for pk in (small, big, big2):
        post(api_client, "application-recommend", pk, {"outcome": "granted"})
    response = post(api_client, "application-decide", small, {"outcome": "granted"})
    assert response.status_code == 200, response.json()
    assert "delegationsbeslut" in response.json()["decision"]["reference"]

    api_client.force_authenticate(world.secretary)
    on = world.today.isoformat()
    post(api_client, "application-decide", big, {"outcome": "granted", "meeting_date": on})
    response = post(api_client, "application-decide", big2,
                    {"outcome": "granted", "meeting_date": on})
    assert response.status_code == 409
    assert response.json()["detail"] == ("Fonden har inte tillräckligt med medel. "
                                         "Tillgängligt: 350\xa0000,00\xa0kr.")
    assert Decision.objects.count() == 2


def test_a_decision_dated_in_the_future_is_400(api_client, world) -> None:
    application = world.recommended()
    api_client.force_authenticate(world.secretary)
    tomorrow = world.today.replace(year=world.today.year + 1).isoformat()
    response = post(api_client, "application-decide", application.pk,
                    {"outcome": "granted", "meeting_date": tomorrow})
    assert response.status_code == 409
    assert response.json()["code"] == "meeting_not_held"
    assert not Decision.objects.exists()


def test_another_municipality_gets_404(api_client, world, other_municipality) -> None:
    api_client.force_authenticate(world.officer)
    pk = create(api_client, world).json()["id"]
    outsider = member(other_municipality, Role.FUND_ADMIN, username="utsocknes")
    api_client.force_authenticate(outsider)
    assert api_client.get(reverse("application-list")).json()["count"] == 0
    assert api_client.get(reverse("application-detail", args=[pk])).status_code == 404
    assert post(api_client, "application-submit", pk).status_code == 404
    assert create(api_client, world).status_code == 404


def test_reviews_and_meetings_through_the_api(api_client, world) -> None:
    other = world.recommended("1000.00")  # proposed before the fund had criteria
    fit = criterion_create(actor=world.officer, fund=world.fund, name="Strategi", weight=2)
    pk = world.submitted("200000.00").pk
    api_client.force_authenticate(world.officer)
    response = post(api_client, "application-assign-reviewers", pk,
                    {"reviewers": [world.reviewer.pk]})
    assert response.json()["status"] == "in_review"
    # a proposal rests on a submitted assessment when the fund has criteria
    refused = post(api_client, "application-recommend", pk, {"outcome": "granted"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "review_required"
    api_client.force_authenticate(world.reviewer)
    refused = post(api_client, "application-reviews", pk, {"scores": {str(fit.pk): 4}})
    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict_not_declared"
    done = post(api_client, "application-reviews", pk,
                {"conflict": False, "scores": {str(fit.pk): 4}, "comment": "Bra"})
    assert done.status_code == 200, done.json()
    assert done.json()["score"] == "4.00"
    api_client.force_authenticate(world.officer)
    post(api_client, "application-recommend", pk, {"outcome": "granted"})
    api_client.force_authenticate(world.secretary)
    # the secretary plans a meeting, puts the application on its agenda and decides it
    meeting = api_client.post(reverse("meeting-list"), {
        "body": world.body.pk, "date": world.today.isoformat()}, format="json")
    assert meeting.status_code == 201, meeting.json()
    mid = meeting.json()["id"]
    agenda = post(api_client, "meeting-agenda", mid, {"application": pk})
    assert agenda.json()["agenda"] == [{"item": 1, "application": pk, "proposal": "granted",
                                        "proposed_amount": "200000.00",
                                        "requested": "200000.00"}]
    post(api_client, "application-decide", pk,
         {"outcome": "granted", "meeting_date": world.today.isoformat()})
    approved = post(api_client, "meeting-approve", mid, {})
    assert approved.json()["approved_on"] == world.today.isoformat()
    # the list counts a meeting's items and decisions; the meeting itself lists them
    meetings = api_client.get(reverse("meeting-list")).json()["results"]
    assert meetings[0]["decisions"] == 1
    assert meetings[0]["agenda_items"] == 1
    detail = api_client.get(reverse("meeting-detail", args=[meetings[0]["id"]])).json()
    assert detail["decisions"][0]["paragraph"] == 1
    # the approved meeting takes nothing more
    refused = post(api_client, "meeting-agenda", mid, {"application": other.pk})
    assert refused.status_code == 409
    assert refused.json()["code"] == "meeting_approved"
