"""Fund pages: what each role sees, Swedish errors on the forms, and tenancy (404)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kompetensfond.core.models import Role
from kompetensfond.funds.models import Contribution, Earmark, Fund
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.selectors import fund_balance
from kompetensfond.ledger.services import Subject, commitment_create
from tests.factories import BodyFactory, fund_with_capital, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(municipality):
    return fund_with_capital(municipality, "1000000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))


def test_fund_list_and_dashboard_show_swedish_amounts(client, fund, viewer) -> None:
    client.force_login(viewer)
    page = client.get(reverse("funds:list")).content.decode()
    assert fund.name in page
    assert "1\xa0000\xa0000,00\xa0kr" in page
    detail = client.get(reverse("funds:detail", args=[fund.pk])).content.decode()
    assert "Kapital och besluten bakom det" in detail
    assert "§\xa01, dnr KS 2024/1" in detail
    assert 'id="burndown-data"' in detail
    assert "Registrera avsättning" not in detail  # a viewer only reads


def test_case_officer_records_a_contribution_through_the_form(client, fund, fund_admin) -> None:
    client.force_login(fund_admin)
    url = reverse("funds:contribution-create", args=[fund.pk])
    data = {"amount": "2 500 000,50", "on": "2025-01-15", "source": "afa_refund",
            "source_text": "", "decision_body": fund.owning_body.pk,
            "decision_date": "2025-01-10", "paragraph": "12", "case_number": "KS 2025/7"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert fund_balance(fund).capital == Decimal("3500000.50")
    page = client.get(response.url).content.decode()
    assert "Avsättningen har registrerats." in page
    assert "AFA-återbetalning" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("amount", "12,345", "högst två decimaler"),
    ("amount", "tolv", "Ange ett belopp i kronor"),
    ("amount", "0", "mer än 0 kr"),
    ("on", "2031-01-01", "inom fondens period"),
    ("on", "2025-01-09", "innan de har beslutats"),
    ("case_number", "", "Detta fält måste fyllas i"),
])
def test_contribution_form_errors_are_swedish_and_write_nothing(client, fund, fund_admin, field,
                                                                value, message) -> None:
    client.force_login(fund_admin)
    data = {"amount": "100", "on": "2025-01-15", "source": "budget", "source_text": "",
            "decision_body": fund.owning_body.pk, "decision_date": "2025-01-10",
            "paragraph": "12", "case_number": "KS 2025/7", field: value}
    before = (Contribution.objects.count(), LedgerTransaction.objects.count())
    response = client.post(reverse("funds:contribution-create", args=[fund.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Det finns ett problem" in page
    assert message in page
    assert (Contribution.objects.count(), LedgerTransaction.objects.count()) == before


def test_fund_create_form(client, municipality, fund_admin) -> None:
    client.force_login(fund_admin)
    body = BodyFactory(municipality=municipality, name="Personalutskottet")
    response = client.post(reverse("funds:create"), {
        "name": "Fond 2026", "description": "", "owning_body": body.pk,
        "start_date": "2026-01-01", "end_date": "2025-12-31"})
    assert "Slutdatumet får inte vara före startdatumet." in response.content.decode()
    response = client.post(reverse("funds:create"), {
        "name": "Fond 2026", "description": "", "owning_body": body.pk,
        "start_date": "2026-01-01", "end_date": "2027-12-31"})
    fund = Fund.objects.get(name="Fond 2026")
    assert response.url == reverse("funds:detail", args=[fund.pk])


def test_earmark_form_and_adjust(client, fund, fund_admin) -> None:
    client.force_login(fund_admin)
    response = client.post(reverse("funds:earmark-create", args=[fund.pk]), {
        "name": "Ledarskap", "amount": "400 000", "purpose": "", "on": "2025-02-01"})
    assert response.status_code == 302
    earmark = Earmark.objects.get()
    response = client.post(reverse("funds:earmark-adjust", args=[fund.pk, earmark.pk]), {
        "direction": "release", "amount": "500 000", "on": "2025-02-02"})
    assert "Öronmärkningen Ledarskap har inte tillräckligt med medel" in (
        response.content.decode())
    client.post(reverse("funds:earmark-adjust", args=[fund.pk, earmark.pk]), {
        "direction": "release", "amount": "100 000", "on": "2025-02-02"})
    assert fund_balance(fund).earmarked == Decimal("300000.00")


def test_close_fund(client, fund, fund_admin) -> None:
    client.force_login(fund_admin)
    response = client.post(reverse("funds:close", args=[fund.pk]), follow=True)
    assert "Fonden har stängts." in response.content.decode()
    fund.refresh_from_db()
    assert not fund.is_open


def test_viewer_cannot_write(client, fund, viewer) -> None:
    client.force_login(viewer)
    assert client.get(reverse("funds:create")).status_code == 403
    assert client.get(reverse("funds:contribution-create", args=[fund.pk])).status_code == 403
    assert client.post(reverse("funds:close", args=[fund.pk])).status_code == 403
    fund.refresh_from_db()
    assert fund.is_open


def test_ledger_is_not_for_employees(client, fund, municipality) -> None:
    employee = member(municipality, Role.EMPLOYEE, username="mira")
    client.force_login(employee)
    assert client.get(reverse("ledger:list", args=[fund.pk])).status_code == 403
    assert client.get(reverse("funds:detail", args=[fund.pk])).status_code == 200


def test_another_municipalitys_fund_does_not_exist(client, fund, other_municipality) -> None:
    outsider = member(other_municipality, Role.FUND_ADMIN, username="botkyrka-hanna")
    client.force_login(outsider)
    txn = LedgerTransaction.objects.first()
    for url in [reverse("funds:detail", args=[fund.pk]),
                reverse("funds:contribution-create", args=[fund.pk]),
                reverse("funds:earmark-create", args=[fund.pk]),
                reverse("ledger:list", args=[fund.pk]),
                reverse("ledger:transaction", args=[fund.pk, txn.pk]),
                reverse("ledger:sie", args=[fund.pk]) + "?ar=2024"]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("funds:close", args=[fund.pk])).status_code == 404
    assert fund.name not in client.get(reverse("funds:list")).content.decode()


def test_ledger_page_filters_and_reversal(client, fund, fund_admin) -> None:
    txn = commitment_create(actor=fund_admin, fund=fund, amount="1234.50",
                            subject=Subject("a", "1"), text="Kurs i samtalsmetodik",
                            on=date(2025, 3, 1))
    client.force_login(fund_admin)
    url = reverse("ledger:list", args=[fund.pk])
    page = client.get(url, {"kind": "commitment"}).content.decode()
    assert "Kurs i samtalsmetodik" in page
    assert "1\xa0234,50\xa0kr" in page
    assert "Kurs i samtalsmetodik" not in client.get(url, {"kind": "contribution"}).content.decode()
    assert "Kurs i samtalsmetodik" not in client.get(url, {"end": "2025-02-28"}).content.decode()
    detail = reverse("ledger:transaction", args=[fund.pk, txn.pk])
    response = client.post(detail, {"reason": "", "on": "2025-03-02"})
    assert "Detta fält måste fyllas i" in response.content.decode()
    response = client.post(detail, {"reason": "Fel enhet", "on": "2025-03-02"}, follow=True)
    assert "Rättelsen har registrerats." in response.content.decode()
    assert fund_balance(fund).committed == 0
    again = client.post(detail, {"reason": "Igen", "on": "2025-03-02"})
    assert "redan rättad" in again.content.decode()


def test_the_fund_list_says_which_funds_have_ended(client, municipality, viewer) -> None:
    from django.utils import timezone

    from tests.factories import FundFactory

    today = timezone.localdate()
    FundFactory(municipality=municipality, name="Kompetensfonden 2013",
                start_date=date(2013, 1, 1), end_date=date(2013, 12, 31))
    FundFactory(municipality=municipality, name="Kompetensfonden nu",
                start_date=today.replace(month=1, day=1),
                end_date=today.replace(year=today.year + 2))
    client.force_login(viewer)
    rows = client.get(reverse("funds:list")).content.decode().split("<tr>")
    ended = next(r for r in rows if "Kompetensfonden 2013" in r)
    running = next(r for r in rows if "Kompetensfonden nu" in r)
    assert "Perioden har gått ut" in ended
    assert "Öppen" in running
