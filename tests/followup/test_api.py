"""The payments and follow-up API: the same rules as the pages, 4xx with a message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kompetensfond.followup.models import FollowUp, FollowUpKind, Payment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def test_register_a_payment_and_report_and_accept_through_the_api(api_client, world) -> None:
    application = world.decided("400000.00").application
    api_client.force_authenticate(world.officer)
    response = api_client.post(reverse("payment-list"), {
        "application": application.pk, "amount": "100000.00",
        "paid_on": world.today.isoformat(), "voucher": "API-1"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "100000.00"
    listed = api_client.get(reverse("payment-list"), {"application": application.pk}).json()
    assert [p["voucher"] for p in listed["results"]] == ["API-1"]
    over = api_client.post(reverse("payment-list"), {
        "application": application.pk, "amount": "300000.01",
        "paid_on": world.today.isoformat(), "voucher": "API-2"}, format="json")
    assert over.status_code == 409
    assert "300 000,00" in over.json()["detail"].replace("\xa0", " ")
    final = FollowUp.objects.get(application=application, kind=FollowUpKind.FINAL)
    api_client.force_authenticate(world.manager)
    report = api_client.post(reverse("follow-up-report", args=[final.pk]), {
        "costs": {"course_fee": "90000.00"}, "started_women": 5, "completed_women": 5,
        "qualifications": [{"occupation_from": "5330", "occupation_to": "5321", "count": 2}],
        "narrative": "Fem nya undersköterskor."}, format="json")
    assert report.status_code == 200, report.json()
    assert report.json()["status"] == "submitted"
    assert api_client.post(reverse("follow-up-accept", args=[final.pk])).status_code == 403
    api_client.force_authenticate(world.officer)
    accepted = api_client.post(reverse("follow-up-accept", args=[final.pk])).json()
    assert (accepted["status"], accepted["decommitted"], accepted["returned"]) == (
        "accepted", "300000.00", "10000.00")


def test_bad_requests_are_4xx_with_a_message(api_client, world) -> None:
    application = world.decided("400000.00").application
    api_client.force_authenticate(world.officer)
    for body in ({"application": application.pk, "amount": "abc", "paid_on": "2026-01-01",
                  "voucher": "X"},
                 {"application": application.pk, "amount": "1.00", "paid_on": "nope",
                  "voucher": "X"},
                 {"application": 99999999, "amount": "1.00",
                  "paid_on": world.today.isoformat(), "voucher": "X"},
                 {"application": application.pk, "amount": "1.00",
                  "paid_on": world.today.isoformat(), "voucher": "X\x00"}):
        response = api_client.post(reverse("payment-list"), body, format="json")
        assert 400 <= response.status_code < 500, (body, response.status_code)
    assert not Payment.objects.exists()
    final = FollowUp.objects.get(application=application, kind=FollowUpKind.FINAL)
    response = api_client.post(reverse("follow-up-report", args=[final.pk]), {
        "costs": {"course_fee": "1"}, "started_women": 1, "completed_women": 2},
        format="json")
    assert response.status_code == 400
    assert api_client.get(reverse("payment-list"), {"application": "abc"}).status_code == 400


def test_another_municipalitys_payments_and_follow_ups_are_invisible(
        api_client, world, other_municipality) -> None:
    from kompetensfond.core.models import Role
    from tests.factories import member

    application = world.decided("400000.00").application
    final = FollowUp.objects.get(application=application, kind=FollowUpKind.FINAL)
    api_client.force_authenticate(member(other_municipality, Role.FUND_ADMIN,
                                         username="botkyrka-hanna"))
    assert api_client.get(reverse("follow-up-detail", args=[final.pk])).status_code == 404
    assert api_client.post(reverse("follow-up-accept", args=[final.pk])).status_code == 404
    response = api_client.post(reverse("payment-list"), {
        "application": application.pk, "amount": "1.00",
        "paid_on": world.today.isoformat(), "voucher": "Z"}, format="json")
    assert response.status_code == 404
    assert api_client.get(reverse("follow-up-list")).json()["results"] == []
