"""Meetings: the agenda, the decision basis and minutes extracts as PDF (read back with
pdftotext), and delegated decisions reported to the body."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.applications.models import Decision, Status
from kompetensfond.applications.selectors import meeting_agenda, unreported_delegated_decisions
from kompetensfond.applications.services import (
    Line,
    application_create,
    application_recommend,
    application_submit,
    decision_record,
    decision_record_delegated,
    delegated_decisions_report,
    meeting_create,
)
from kompetensfond.core.errors import ConflictError
from kompetensfond.core.models import Role
from kompetensfond.plans.services import delegation_rule_create, guideline_save
from tests.factories import OrgUnitFactory, fund_with_capital, member

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                          capture_output=True, check=True).stdout.decode()


@pytest.fixture
def world(municipality, fund_admin):
    fund = fund_with_capital(municipality, "1000000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))
    guideline = guideline_save(actor=fund_admin, fund=fund, plan=None,
                               eligible_cost_types=["course_fee"], requires_strategy=False)
    delegation_rule_create(actor=fund_admin, guideline=guideline, body=fund.owning_body,
                           max_amount=Decimal("50000.00"), delegation_point="4.3",
                           delegate_role=Role.FUND_ADMIN)
    unit = OrgUnitFactory(municipality=municipality, name="Hemtjänst Öst", cost_centre="4110")
    apps = []
    for title, amount in (("Undersköterskeutbildning", "123456.50"), ("Psykoskurs", "45000.00")):
        application = application_create(actor=fund_admin, fund=fund, unit=unit, title=title,
                                         participants_women=4,
                                         lines=[Line("course_fee", 2025, amount)])
        application_submit(actor=fund_admin, application=application)
        application_recommend(actor=fund_admin, application=application,
                              outcome=Status.GRANTED, amount=None, reason="Bygger på planen")
        apps.append(application)
    return {"fund": fund, "apps": apps,
            "secretary": member(municipality, Role.SECRETARY, username="sara")}


def test_decision_basis_and_minutes_extract_pdfs(client, world, fund_admin) -> None:
    big, small = world["apps"]
    meeting = meeting_create(actor=world["secretary"], body=world["fund"].owning_body,
                             on=date(2025, 3, 12))
    assert [item.application for item in meeting_agenda(meeting)] == [big, small]
    client.force_login(world["secretary"])
    basis = pdf_text(client.get(reverse("applications:decision-basis",
                                        args=[meeting.pk])).content)
    assert "Beslutsunderlag" in basis
    assert "Undersköterskeutbildning" in basis
    assert "123 456,50 kr" in basis
    decision_record(actor=world["secretary"], application=big, meeting=meeting,
                    outcome=Status.GRANTED, case_number="KS 2025/44",
                    conditions="Slutrapport senast 2026-01-31")
    response = client.get(reverse("applications:minutes-extract", args=[big.pk]))
    assert response["Content-Disposition"].endswith('protokollsutdrag-2025-1.pdf"')
    text = pdf_text(response.content)
    assert "Protokollsutdrag" in text
    assert "§ 1 Undersköterskeutbildning" in text
    assert "KS 2025/44" in text
    assert "Beviljad: 123 456,50 kr" in text
    assert world["fund"].municipality.name in text
    page = client.get(reverse("applications:meeting", args=[meeting.pk])).content.decode()
    assert "§&nbsp;1" in page


def test_delegated_decisions_are_reported_once(client, world, fund_admin) -> None:
    small = world["apps"][1]
    decision = decision_record_delegated(actor=fund_admin, application=small,
                                         outcome=Status.GRANTED, on=date(2025, 3, 1))
    text = pdf_text(minutes_pdf(decision))
    assert "Delegationsbeslut" in text
    assert "punkt 4.3" in text
    meeting = meeting_create(actor=world["secretary"], body=world["fund"].owning_body,
                             on=date(2025, 3, 12))
    assert list(unreported_delegated_decisions(meeting)) == [decision]
    client.force_login(world["secretary"])
    response = client.post(reverse("applications:report-delegated", args=[meeting.pk]),
                           {"decisions": [decision.pk]}, follow=True)
    assert "1 delegationsbeslut har anmälts." in response.content.decode()
    decision.refresh_from_db()
    assert decision.reported_at == meeting
    with pytest.raises(ConflictError):
        delegated_decisions_report(actor=world["secretary"], meeting=meeting,
                                   decisions=[decision])
    assert Decision.objects.filter(reported_at=meeting).count() == 1


def minutes_pdf(decision):  # type: ignore[no-untyped-def]
    from kompetensfond.applications.documents import minutes_extract_pdf

    return minutes_extract_pdf(decision)


def test_pdfs_are_not_for_other_municipalities(client, world, other_municipality) -> None:
    meeting = meeting_create(actor=world["secretary"], body=world["fund"].owning_body,
                             on=date(2025, 3, 12))
    outsider = member(other_municipality, Role.SECRETARY, username="utsocknes")
    client.force_login(outsider)
    assert client.get(reverse("applications:decision-basis",
                              args=[meeting.pk])).status_code == 404
    assert client.get(reverse("applications:minutes-extract",
                              args=[world["apps"][0].pk])).status_code == 404
