"""The payment form on the application page and the follow-up report page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kompetensfond.followup.models import FollowUp, FollowUpKind, FollowUpStatus, Payment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def test_the_case_officer_registers_a_payment_on_the_application_page(client, world) -> None:
    application = world.decided("400000.00").application
    client.force_login(world.officer)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Registrera en utbetalning" in page
    assert "Beviljat, ännu inte utbetalt" in page
    response = client.post(reverse("followup:payment", args=[application.pk]), {
        "payment-amount": "150 000,00", "payment-on": world.today.isoformat(),
        "payment-voucher": "V-77"}, follow=True)
    assert "Utbetalningen har registrerats." in response.content.decode()
    assert Payment.objects.get().amount == 150000
    page = response.content.decode()
    assert "250\xa0000,00\xa0kr" in page  # left to pay
    assert "Pågående" in page
    # over the grant: a Swedish error, nothing written
    response = client.post(reverse("followup:payment", args=[application.pk]), {
        "payment-amount": "250 000,01", "payment-on": world.today.isoformat(),
        "payment-voucher": "V-78"}, follow=True)
    assert "är mer än det som är beviljat" in response.content.decode()
    assert Payment.objects.count() == 1


def test_a_manager_cannot_register_payments(client, world) -> None:
    application = world.decided("400000.00").application
    client.force_login(world.manager)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Registrera en utbetalning" not in page
    client.post(reverse("followup:payment", args=[application.pk]), {
        "payment-amount": "1,00", "payment-on": world.today.isoformat(),
        "payment-voucher": "V-1"})
    assert not Payment.objects.exists()


def test_the_manager_reports_and_the_case_officer_accepts(client, world) -> None:
    application = world.decided("400000.00").application
    final = FollowUp.objects.get(application=application, kind=FollowUpKind.FINAL)
    client.force_login(world.manager)
    url = reverse("followup:follow-up", args=[final.pk])
    page = client.get(url).content.decode()
    assert "Faktisk kostnad: Kursavgift" in page
    bad = client.post(url, {"cost_course_fee": "100 000", "started_women": "3",
                            "completed_women": "4"})
    assert "Fler har slutfört eller avbrutit än som påbörjade." in bad.content.decode()
    response = client.post(url, {
        "cost_course_fee": "380 000", "started_women": "12", "completed_women": "11",
        "dropped_women": "1", "started_men": "2", "completed_men": "2",
        "q1_from": "5330", "q1_to": "5321", "q1_count": "9",
        "narrative": "Elva undersköterskor."}, follow=True)
    assert "Redovisningen har lämnats." in response.content.decode()
    final.refresh_from_db()
    assert final.status == FollowUpStatus.SUBMITTED
    assert final.qualifications.get().count == 9
    # the manager cannot accept their own report
    client.post(reverse("followup:accept", args=[final.pk]))
    final.refresh_from_db()
    assert final.status == FollowUpStatus.SUBMITTED
    client.force_login(world.officer)
    response = client.post(reverse("followup:accept", args=[final.pk]), follow=True)
    assert "Redovisningen har godkänts." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "closed"


def test_another_municipalitys_follow_up_is_404(client, world, other_municipality) -> None:
    from kompetensfond.core.models import Role
    from tests.factories import member

    application = world.decided("400000.00").application
    final = FollowUp.objects.get(application=application, kind=FollowUpKind.FINAL)
    client.force_login(member(other_municipality, Role.FUND_ADMIN, username="b-hanna"))
    assert client.get(reverse("followup:follow-up", args=[final.pk])).status_code == 404
    assert client.post(reverse("followup:accept", args=[final.pk])).status_code == 404


def test_home_pages_list_reports_due_and_reports_to_accept(client, world) -> None:
    from datetime import timedelta

    application = world.decided("400000.00").application
    final = FollowUp.objects.get(application=application, kind=FollowUpKind.FINAL)
    client.force_login(world.manager)
    assert "Uppföljningar att lämna (0)" in client.get("/").content.decode()
    FollowUp.objects.filter(pk=final.pk).update(due_date=world.today - timedelta(days=1))
    html = client.get("/").content.decode()
    assert "Uppföljningar att lämna (1)" in html
    assert "försenad sedan" in html
    client.post(reverse("followup:follow-up", args=[final.pk]), {
        "cost_course_fee": "1 000", "started_women": "1", "completed_women": "1"})
    client.force_login(world.officer)
    html = client.get("/").content.decode()
    assert "Uppföljningar att godkänna (1)" in html
    assert f'href="/uppfoljning/{final.pk}/"' in html
