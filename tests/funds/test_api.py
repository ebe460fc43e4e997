"""The funds API: 201 on success, 400/409 with a Swedish ``detail`` and nothing written on
bad input, 404 for another municipality's fund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.core.models import Role
from kompetensfond.funds.models import Contribution, Earmark
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.services import Subject, commitment_create
from tests.factories import BodyFactory, OrgUnitFactory, fund_with_capital, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


@pytest.fixture
def fund(municipality):
    return fund_with_capital(municipality, "1000000.00")


def contribution(fund, **overrides):
    data = {"amount": "500000.00", "date": "2024-02-01", "source": "afa_refund",
            "decision_body": fund.owning_body.pk, "decision_date": "2024-01-30",
            "paragraph": 7, "case_number": "KS 2024/9"}
    data.update(overrides)
    return data


def test_create_fund_and_record_contribution(api_client, municipality, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    body = BodyFactory(municipality=municipality)
    response = api_client.post(reverse("fund-list"), {
        "name": "Kompetensfonden", "start_date": "2024-01-01", "end_date": "2025-12-31",
        "owning_body": body.pk}, format="json")
    assert response.status_code == 201, response.json()
    fund_id = response.json()["id"]
    response = api_client.post(reverse("fund-contributions", args=[fund_id]), {
        "amount": "10000000.00", "date": "2024-01-01", "source": "surplus",
        "source_text": "Årets resultat 2023", "decision_body": body.pk,
        "decision_date": "2023-12-11", "paragraph": 214, "case_number": "KS 2023/500"},
        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "10000000.00"
    assert response.json()["decision_reference"].endswith("§\xa0214, dnr KS 2023/500")
    listed = api_client.get(reverse("fund-list")).json()["results"]
    assert listed[0]["balance"]["capital"] == "10000000.00"


def test_contribution_without_decision_is_400(api_client, fund, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    data = contribution(fund)
    del data["case_number"]
    response = api_client.post(reverse("fund-contributions", args=[fund.pk]), data,
                               format="json")
    assert response.status_code == 400
    assert Contribution.objects.count() == 1  # the fixture's


@pytest.mark.parametrize(("amount", "fragment"), [
    ("0", "mer än 0 kr"), ("-5", "mer än 0 kr"), ("1.005", "högst två decimaler"),
    ("abc", "Ange ett belopp"),
])
def test_bad_amounts_are_400_with_swedish_detail(api_client, fund, fund_admin, amount,
                                                 fragment) -> None:
    api_client.force_authenticate(fund_admin)
    before = LedgerTransaction.objects.count()
    response = api_client.post(reverse("fund-contributions", args=[fund.pk]),
                               contribution(fund, amount=amount), format="json")
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert LedgerTransaction.objects.count() == before


def test_overdrawing_earmark_is_409_naming_the_amount_available(api_client, fund,
                                                                fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    response = api_client.post(reverse("fund-earmarks", args=[fund.pk]), {
        "name": "Ledarskap", "amount": "1000000.01", "date": "2024-03-01"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_funds"
    assert body["detail"] == ("Fonden har inte tillräckligt med medel. "
                              "Tillgängligt: 1\xa0000\xa0000,00\xa0kr.")
    assert not Earmark.objects.exists()


def test_earmark_with_administration_and_occupations(api_client, fund, fund_admin,
                                                     municipality) -> None:
    api_client.force_authenticate(fund_admin)
    admin = OrgUnitFactory(municipality=municipality)
    response = api_client.post(reverse("fund-earmarks", args=[fund.pk]), {
        "name": "Pedagoger", "amount": "600000", "date": "2024-03-01",
        "administration": admin.pk, "occupations": ["2341", "2343"]}, format="json")
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["occupations"]) == ["2341", "2343"]
    assert response.json()["balance"]["available"] == "600000.00"
    bad = api_client.post(reverse("fund-earmarks", args=[fund.pk]), {
        "name": "X", "amount": "1", "date": "2024-03-01", "occupations": ["0000"]},
        format="json")
    assert bad.status_code == 400
    listed = api_client.get(reverse("fund-earmarks", args=[fund.pk])).json()
    assert [e["name"] for e in listed] == ["Pedagoger"]


def test_balance_and_ledger(api_client, fund, fund_admin, viewer) -> None:
    commitment_create(actor=fund_admin, fund=fund, amount="250000.00", subject=Subject("a", "1"),
                      text="Trainee", on=date(2024, 5, 2))
    api_client.force_authenticate(viewer)
    balance = api_client.get(reverse("fund-balance", args=[fund.pk])).json()
    assert balance["capital"] == "1000000.00"
    assert balance["available"] == "750000.00"
    assert balance["committed"] == "250000.00"
    may = next(m for m in balance["months"] if m["month"] == "2024-05")
    assert may["available"] == "750000.00"
    ledger = api_client.get(reverse("fund-ledger", args=[fund.pk]),
                            {"kind": "commitment"}).json()
    assert ledger["count"] == 1
    assert ledger["results"][0]["amount"] == "250000.00"
    assert Decimal(ledger["results"][0]["amount"]) == Decimal("250000.00")
    bad = api_client.get(reverse("fund-ledger", args=[fund.pk]), {"from": "igår"})
    assert bad.status_code == 400


def test_viewer_cannot_write_and_employee_cannot_read_the_ledger(api_client, fund, viewer,
                                                                 municipality) -> None:
    api_client.force_authenticate(viewer)
    response = api_client.post(reverse("fund-contributions", args=[fund.pk]), contribution(fund),
                               format="json")
    assert response.status_code == 403
    assert "handläggare" in response.json()["detail"]
    employee = member(municipality, Role.EMPLOYEE, username="mira")
    api_client.force_authenticate(employee)
    assert api_client.get(reverse("fund-ledger", args=[fund.pk])).status_code == 403


def test_another_municipalitys_fund_is_404(api_client, fund, other_municipality) -> None:
    outsider = member(other_municipality, Role.FUND_ADMIN, username="botkyrka-hanna")
    api_client.force_authenticate(outsider)
    assert api_client.get(reverse("fund-list")).json()["count"] == 0
    for name in ["fund-detail", "fund-balance", "fund-ledger", "fund-earmarks",
                 "fund-contributions"]:
        assert api_client.get(reverse(name, args=[fund.pk])).status_code == 404, name
    response = api_client.post(reverse("fund-contributions", args=[fund.pk]),
                               contribution(fund), format="json")
    assert response.status_code == 404
    assert Contribution.objects.count() == 1
