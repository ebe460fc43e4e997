"""The allowance pages as their users see them: the case officer creates a scheme with a
preview, the employee claims with a receipt, the manager decides, the officer pays."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kompetensfond.allowances.models import AllowanceScheme, Claim, ClaimStatus
from kompetensfond.allowances.services import claim_submit
from kompetensfond.core.models import Role

from ..factories import MunicipalityFactory, member
from .conftest import PDF, Staff, claim_input

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _scheme_post(staff: Staff, **overrides: str) -> dict[str, object]:
    year = staff.today.year
    data: dict[str, object] = {
        "fund": staff.world.fund.pk, "name": "Kompetenspeng socialsekreterare",
        "decision_reference": "SDN 2026-11-19 § 142", "amount": "10 000",
        "period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
        "expiry_date": f"{year}-12-31", "cutoff_date": f"{year}-01-01",
        "occupations": [staff.occupation.pk], "units": [staff.social.pk],
        "min_employment_rate": "0", "prorate_by_rate": "on", "prorate_by_start": "on",
        "leaver_rule": "keep"}
    data.update(overrides)
    return data


def test_case_officer_previews_then_creates_a_scheme(staff: Staff) -> None:
    client = _client(staff.world.officer)
    url = reverse("allowances:scheme-create")
    assert client.get(url).status_code == 200

    preview = client.post(url, {**_scheme_post(staff), "preview": "1"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "15\xa0000,00\xa0kr" in text  # Anna 10 000 + Bo 5 000
    assert not AllowanceScheme.objects.exists()

    created = client.post(url, _scheme_post(staff))
    scheme = AllowanceScheme.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("allowances:scheme", args=[scheme.pk])
    page = client.get(created["Location"]).content.decode()
    assert "Anna" in page
    assert "Huvudboken stämmer" in page


def test_scheme_form_shows_errors_in_swedish_and_writes_nothing(staff: Staff) -> None:
    client = _client(staff.world.officer)
    response = client.post(reverse("allowances:scheme-create"),
                           _scheme_post(staff, amount="-5", expiry_date="2000-01-01"))
    assert response.status_code == 200
    assert "Det finns ett problem" in response.content.decode()
    assert not AllowanceScheme.objects.exists()


def test_employee_claims_and_sees_only_their_own(staff: Staff) -> None:
    scheme = staff.scheme()
    anna = staff.allowance(scheme, staff.anna)
    bo = staff.allowance(scheme, staff.bo)
    client = _client(staff.anna_user)
    mine = client.get(reverse("allowances:mine")).content.decode()
    assert "10\xa0000,00\xa0kr" in mine
    assert client.get(reverse("allowances:claim-create", args=[bo.pk])).status_code == 404
    assert client.get(reverse("allowances:schemes")).status_code == 403

    today = staff.today.isoformat()
    response = client.post(reverse("allowances:claim-create", args=[anna.pk]), {
        "activity": "Kurs i MI", "provider": "Socionomförbundet", "category": "course",
        "start_date": today, "end_date": today, "cost": "2 500",
        "receipt": SimpleUploadedFile("kvitto.pdf", PDF, content_type="application/pdf")})
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert claim.cost == Decimal("2500.00")
    home = client.get(reverse("web:home")).content.decode()
    assert "7\xa0500,00\xa0kr" in home  # what is left, on the home page


def test_claim_form_refuses_a_forbidden_receipt_in_swedish(staff: Staff) -> None:
    scheme = staff.scheme()
    anna = staff.allowance(scheme, staff.anna)
    today = staff.today.isoformat()
    response = _client(staff.anna_user).post(
        reverse("allowances:claim-create", args=[anna.pk]), {
            "activity": "Kurs", "provider": "X", "category": "course", "start_date": today,
            "end_date": today, "cost": "100",
            "receipt": SimpleUploadedFile("kvitto.exe", b"MZ\x90\x00",
                                          content_type="application/pdf")})
    assert response.status_code == 200
    assert "PDF-fil" in response.content.decode()
    assert not Claim.objects.exists()


def test_manager_approves_from_the_home_page_and_officer_pays(staff: Staff) -> None:
    scheme = staff.scheme()
    claim = claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                         data=claim_input("2500"))
    manager = _client(staff.manager)
    home = manager.get(reverse("web:home")).content.decode()
    assert reverse("allowances:claim", args=[claim.pk]) in home
    page = manager.get(reverse("allowances:claim", args=[claim.pk])).content.decode()
    assert "Godkänn" in page
    # another manager cannot even see it
    assert _client(staff.world.manager).get(
        reverse("allowances:claim", args=[claim.pk])).status_code == 404

    manager.post(reverse("allowances:claim-approve", args=[claim.pk]),
                 {"decision-comment": "Bra"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED

    officer = _client(staff.world.officer)
    officer.post(reverse("allowances:claim-pay", args=[claim.pk]),
                 {"payment-on": staff.today.isoformat(), "payment-voucher": "L-123"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    receipt = officer.get(reverse("allowances:claim-receipt", args=[claim.pk]))
    assert b"".join(receipt.streaming_content).startswith(b"%PDF")


def test_rejecting_without_a_reason_is_refused_in_swedish(staff: Staff) -> None:
    scheme = staff.scheme()
    claim = claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                         data=claim_input())
    response = _client(staff.manager).post(reverse("allowances:claim-reject", args=[claim.pk]),
                                           {"decision-comment": ""}, follow=True)
    assert "Ange varför begäran avslås" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_uptake_report_and_its_exports(staff: Staff) -> None:
    scheme = staff.scheme()
    client = _client(staff.world.viewer if hasattr(staff.world, "viewer") else
                     staff.world.officer)
    url = reverse("allowances:uptake", args=[scheme.pk])
    page = client.get(url, {"by": "gender"}).content.decode()
    assert "Kvinna" in page
    csv = client.get(url, {"by": "unit", "export": "csv"})
    assert csv.status_code == 200
    assert "Barn och unga" in csv.content.decode("utf-8-sig")
    assert client.get(url, {"export": "xlsx"}).status_code == 200
    pdf = client.get(url, {"export": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_another_municipality_sees_nothing(staff: Staff) -> None:
    scheme = staff.scheme()
    other = member(MunicipalityFactory(slug="orebro", name="Örebro kommun"), Role.FUND_ADMIN,
                   username="orebro")
    client = _client(other)
    assert client.get(reverse("allowances:scheme", args=[scheme.pk])).status_code == 404
    assert scheme.name not in client.get(reverse("allowances:schemes")).content.decode()
    claim = claim_submit(actor=staff.anna_user, allowance=staff.allowance(scheme, staff.anna),
                         data=claim_input())
    assert client.get(reverse("allowances:claim", args=[claim.pk])).status_code == 404
    assert client.post(reverse("allowances:claim-pay", args=[claim.pk]),
                       {"payment-on": datetime.date.today().isoformat(),
                        "payment-voucher": "X"}).status_code == 404
