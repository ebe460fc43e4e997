"""The applications API: the whole path from draft to decision, refusals with Swedish
details, tenancy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.applications.models import Application, Decision
from kompetensfond.core.models import Role
from kompetensfond.ledger.selectors import fund_balance
from kompetensfond.plans.services import delegation_rule_create, guideline_save
from tests.factories import OrgUnitFactory, fund_with_capital, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


@pytest.fixture
def world(municipality, fund_admin):
    fund = fund_with_capital(municipality, "500000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=None,
                               eligible_cost_types=["course_fee", "travel"],
                               requires_strategy=False, max_per_application=Decimal("300000"))
    delegation_rule_create(actor=fund_admin, guideline=guideline, body=fund.owning_body,
                           max_amount=Decimal("50000.00"), delegation_point="4.3",
                           delegate_role=Role.FUND_ADMIN)
    unit = OrgUnitFactory(municipality=municipality, name="Socialtjänst")
    return {"fund": fund, "unit": unit,
            "secretary": member(municipality, Role.SECRETARY, username="sara")}


def create(api_client, world, amount="200000.00"):  # type: ignore[no-untyped-def]
    return api_client.post(reverse("application-list"), {
        "fund": world["fund"].pk, "unit": world["unit"].pk, "title": "Traineeprogram",
        "participants_women": 8, "participants_men": 4, "occupations": ["2661"],
        "budget": [{"cost_type": "course_fee", "year": 2025, "amount": amount}]},
        format="json")


def test_from_draft_to_decision_through_the_api(api_client, world, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    created = create(api_client, world)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["requested"] == "200000.00"
    assert api_client.post(reverse("application-submit", args=[pk])).json()["status"] == (
        "submitted")
    assert api_client.post(reverse("application-start-review", args=[pk])).status_code == 200
    response = api_client.post(reverse("application-recommend", args=[pk]),
                               {"outcome": "granted"}, format="json")
    assert response.json()["status"] == "recommended"
    api_client.force_authenticate(world["secretary"])
    response = api_client.post(reverse("application-decide", args=[pk]), {
        "outcome": "granted", "meeting_date": "2025-03-12", "case_number": "KS 2025/9"},
        format="json")
    assert response.status_code == 200, response.json()
    decision = response.json()["decision"]
    assert decision["paragraph"] == 1
    assert decision["amount"] == "200000.00"
    assert fund_balance(world["fund"]).committed == Decimal("200000.00")


def test_guideline_errors_are_400_with_findings(api_client, world, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    pk = create(api_client, world, "300000.01").json()["id"]
    response = api_client.post(reverse("application-submit", args=[pk]))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "guideline_errors"
    assert [f["code"] for f in body["findings"]] == ["over_application_ceiling"]
    assert "högst 300\xa0000,00\xa0kr" in body["detail"]
    assert Application.objects.get().status == "draft"


def test_illegal_transition_is_409_and_bad_amount_is_400(api_client, world, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    pk = create(api_client, world).json()["id"]
    response = api_client.post(reverse("application-recommend", args=[pk]),
                               {"outcome": "granted"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "Utkast" in response.json()["detail"]
    bad = create(api_client, world, "12.345")
    assert bad.status_code == 400
    assert "högst två decimaler" in bad.json()["detail"]


def test_delegated_decision_and_overdraw(api_client, world, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    small = create(api_client, world, "50000.00").json()["id"]
    for action in ("application-submit", "application-start-review"):
        api_client.post(reverse(action, args=[small]))
    api_client.post(reverse("application-recommend", args=[small]), {"outcome": "granted"},
                    format="json")
    response = api_client.post(reverse("application-decide", args=[small]),
                               {"outcome": "granted"}, format="json")
    assert response.status_code == 200, response.json()
    assert "delegationsbeslut" in response.json()["decision"]["reference"]

    big = create(api_client, world, "300000.00").json()["id"]
    big2 = create(api_client, world, "200000.00").json()["id"]
    for pk in (big, big2):
        api_client.post(reverse("application-submit", args=[pk]))
        api_client.post(reverse("application-recommend", args=[pk]), {"outcome": "granted"},
                        format="json")
    api_client.force_authenticate(world["secretary"])
    api_client.post(reverse("application-decide", args=[big]),
                    {"outcome": "granted", "meeting_date": "2025-03-12"}, format="json")
    response = api_client.post(reverse("application-decide", args=[big2]),
                               {"outcome": "granted", "meeting_date": "2025-03-12"},
                               format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == ("Fonden har inte tillräckligt med medel. "
                                         "Tillgängligt: 150\xa0000,00\xa0kr.")
    assert Decision.objects.count() == 2


def test_another_municipality_gets_404(api_client, world, fund_admin,
                                       other_municipality) -> None:
    api_client.force_authenticate(fund_admin)
    pk = create(api_client, world).json()["id"]
    outsider = member(other_municipality, Role.FUND_ADMIN, username="utsocknes")
    api_client.force_authenticate(outsider)
    assert api_client.get(reverse("application-list")).json()["count"] == 0
    assert api_client.get(reverse("application-detail", args=[pk])).status_code == 404
    assert api_client.post(reverse("application-submit", args=[pk])).status_code == 404
    assert create(api_client, world).status_code == 404


def test_reviews_and_meetings_through_the_api(api_client, world, fund_admin,
                                              municipality) -> None:
    from kompetensfond.applications.services import criterion_create

    fit = criterion_create(actor=fund_admin, fund=world["fund"], name="Strategi", weight=2)
    reviewer = member(municipality, Role.REVIEWER, username="bertil")
    api_client.force_authenticate(fund_admin)
    pk = create(api_client, world).json()["id"]
    api_client.post(reverse("application-submit", args=[pk]))
    response = api_client.post(reverse("application-assign-reviewers", args=[pk]),
                               {"reviewers": [reviewer.pk]}, format="json")
    assert response.json()["status"] == "in_review"
    api_client.force_authenticate(reviewer)
    refused = api_client.post(reverse("application-reviews", args=[pk]),
                              {"scores": {str(fit.pk): 4}}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict_not_declared"
    done = api_client.post(reverse("application-reviews", args=[pk]),
                           {"conflict": False, "scores": {str(fit.pk): 4}, "comment": "Bra"},
                           format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["score"] == "4.00"
    api_client.force_authenticate(fund_admin)
    api_client.post(reverse("application-recommend", args=[pk]), {"outcome": "granted"},
                    format="json")
    api_client.force_authenticate(world["secretary"])
    api_client.post(reverse("application-decide", args=[pk]),
                    {"outcome": "granted", "meeting_date": "2025-03-12"}, format="json")
    meetings = api_client.get(reverse("meeting-list")).json()["results"]
    assert meetings[0]["date"] == "2025-03-12"
    assert meetings[0]["decisions"][0]["paragraph"] == 1
