"""The allowances API: schemes, allowances and claims with the same rules as the pages;
bad input is a 4xx with a Swedish message and writes nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from kompetensfond.allowances.models import AllowanceScheme, Claim

from .conftest import PDF, Staff

pytestmark = pytest.mark.django_db


def _scheme_body(staff: Staff, **overrides: object) -> dict[str, object]:
    year = staff.today.year
    body: dict[str, object] = {
        "fund": staff.world.fund.pk, "name": "Peng", "amount": "10000.00",
        "period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
        "expiry_date": f"{year}-12-31", "cutoff_date": f"{year}-01-01",
        "occupations": ["2661"], "units": [staff.social.pk]}
    body.update(overrides)
    return body


def _receipt(content: bytes = PDF, name: str = "kvitto.pdf") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_scheme_allowances_and_a_claim_through_the_api(api_client, staff: Staff) -> None:
    api_client.force_authenticate(staff.world.officer)
    created = api_client.post(reverse("allowance-scheme-list"), _scheme_body(staff),
                              format="json")
    assert created.status_code == 201, created.json()
    scheme = created.json()
    assert scheme["figures"]["allocated"] == "15000.00"
    assert scheme["figures"]["reserved"] == "15000.00"
    allowances = api_client.get(reverse("allowance-scheme-allowances", args=[scheme["id"]]))
    rows = {row["employee_number"]: row for row in allowances.json()["results"]}
    anna = rows[staff.anna.employee_number]
    assert (anna["amount"], anna["left"]) == ("10000.00", "10000.00")

    api_client.force_authenticate(staff.anna_user)
    claim = api_client.post(reverse("claim-list"), {
        "allowance": anna["id"], "activity": "Kurs", "provider": "Anordnare",
        "category": "course", "start_date": staff.today.isoformat(),
        "end_date": staff.today.isoformat(), "cost": "2500.00", "receipt": _receipt()},
        format="multipart")
    assert claim.status_code == 201, claim.json()
    claim_id = claim.json()["id"]
    # someone else's allowance: not found
    other = rows[staff.bo.employee_number]["id"]
    assert api_client.post(reverse("claim-list"), {
        "allowance": other, "activity": "Kurs", "provider": "A", "category": "course",
        "start_date": staff.today.isoformat(), "end_date": staff.today.isoformat(),
        "cost": "1.00", "receipt": _receipt()}, format="multipart").status_code == 404
    # the employee cannot approve their own claim
    assert api_client.post(reverse("claim-approve", args=[claim_id])).status_code == 403

    api_client.force_authenticate(staff.manager)
    waiting = api_client.get(reverse("claim-list"), {"status": "submitted"}).json()
    assert [c["id"] for c in waiting["results"]] == [claim_id]
    approved = api_client.post(reverse("claim-approve", args=[claim_id]),
                               {"comment": "Bra"}, format="json")
    assert approved.json()["status"] == "approved"

    api_client.force_authenticate(staff.world.officer)
    paid = api_client.post(reverse("claim-pay", args=[claim_id]),
                           {"paid_on": staff.today.isoformat(), "voucher": "L-1"},
                           format="json")
    assert paid.json()["status"] == "paid"
    figures = api_client.get(reverse("allowance-scheme-detail",
                                     args=[scheme["id"]])).json()["figures"]
    assert (figures["paid"], figures["reserved"]) == ("2500.00", "12500.00")


@pytest.mark.parametrize(("overrides", "status"), [
    ({"amount": "0"}, 400),
    ({"amount": "abc"}, 400),
    ({"expiry_date": "2000-01-01"}, 400),
    ({"occupations": ["9999"]}, 400),
    ({"units": [2_000_000_000]}, 400),
    ({"fund": 2_000_000_000}, 400),
    ({"amount": "999999999999.00"}, 409),  # more than the fund holds
])
def test_bad_schemes_are_refused_with_a_message(api_client, staff: Staff, overrides: dict,
                                                status: int) -> None:
    api_client.force_authenticate(staff.world.officer)
    response = api_client.post(reverse("allowance-scheme-list"),
                               _scheme_body(staff, **overrides), format="json")
    assert response.status_code == status, response.json()
    assert response.json()
    assert not AllowanceScheme.objects.exists()


def test_bad_claims_are_refused_with_a_message(api_client, staff: Staff) -> None:
    scheme = staff.scheme()
    anna = staff.allowance(scheme, staff.anna)
    api_client.force_authenticate(staff.anna_user)
    base = {"allowance": anna.pk, "activity": "Kurs", "provider": "A", "category": "course",
            "start_date": staff.today.isoformat(), "end_date": staff.today.isoformat()}
    too_much = api_client.post(reverse("claim-list"), {
        **base, "cost": "10000.01", "receipt": _receipt()}, format="multipart")
    assert too_much.status_code == 409
    assert "10 000,00" in too_much.json()["detail"].replace("\xa0", " ")
    exe = api_client.post(reverse("claim-list"), {
        **base, "cost": "100.00", "receipt": _receipt(b"MZ\x90\x00", "x.pdf")},
        format="multipart")
    assert exe.status_code == 400
    assert "PDF" in exe.json()["detail"]
    assert not Claim.objects.exists()
