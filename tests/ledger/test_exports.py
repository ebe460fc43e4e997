"""SIE 4I round trip, and the ledger's CSV/XLSX export read back."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from kompetensfond.core.actors import SYSTEM
from kompetensfond.funds.services import earmark_create
from kompetensfond.ledger.models import LedgerEntry
from kompetensfond.ledger.services import (
    Subject,
    commitment_create,
    disbursement_create,
    sie_accounts_set,
    transaction_reverse,
)
from kompetensfond.ledger.sie import sie_bytes
from tests.factories import OrgUnitFactory, fund_with_capital

from .sie_parser import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(municipality, fund_admin):
    fund = fund_with_capital(municipality, "1000000.00", start_date=date(2024, 1, 1),
                             end_date=date(2025, 12, 31))
    unit = OrgUnitFactory(municipality=municipality, name="Hemtjänst Öst", cost_centre="4110")
    earmark = earmark_create(actor=fund_admin, fund=fund, name="Äldreomsorg",
                             amount="300000.00", on=date(2024, 2, 1))
    app = Subject("applications.application", "7")
    commitment_create(actor=fund_admin, fund=fund, amount="120000.50", subject=app,
                      text='Undersköterskor "steg 2" – §\xa03', on=date(2024, 3, 1),
                      earmark=earmark, org_unit=unit)
    disbursement_create(actor=fund_admin, fund=fund, amount="100000.00", subject=app,
                        text="Faktura 1", on=date(2024, 9, 1), earmark=earmark, org_unit=unit)
    wrong = commitment_create(actor=fund_admin, fund=fund, amount="5000.00",
                              subject=Subject("a", "8"), text="Fel", on=date(2024, 4, 1))
    transaction_reverse(actor=fund_admin, transaction=wrong, reason="Fel fond",
                        on=date(2024, 4, 2))
    disbursement_create(actor=fund_admin, fund=fund, amount="20000.50", subject=app,
                        text="Faktura 2", on=date(2025, 1, 15), earmark=earmark, org_unit=unit)
    return fund


def test_sie_round_trip_balances_and_equals_the_ledger(fund) -> None:
    sie = parse(sie_bytes(fund, 2024, generated_by="hanna"))
    assert sie.labels["#FLAGGA"] == [["0"]]
    assert sie.labels["#FORMAT"] == [["PC8"]]
    assert sie.labels["#SIETYP"] == [["4"]]
    assert sie.labels["#PROGRAM"][0][0] == "kompetensfond"
    assert sie.labels["#ORGNR"] == [[fund.municipality.organisation_number]]
    assert sie.labels["#FNAMN"] == [[fund.municipality.name]]
    assert sie.labels["#RAR"] == [["0", "20240101", "20241231"]]
    assert sie.labels["#GEN"][0][1] == "hanna"
    assert sie.labels["#DIM"] == [["1", "Kostnadsställe"]]
    assert sie.objects == {("1", "4110"): "Hemtjänst Öst"}

    entries_2024 = LedgerEntry.objects.filter(account__fund=fund, transaction__date__year=2024)
    assert len(sie.vouchers) == entries_2024.values("transaction").distinct().count() == 6
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in sie.vouchers:
        assert sum(amount for _a, _o, amount in voucher.rows) == 0, voucher
        assert voucher.date.startswith("2024")
        for account, _objects, amount in voucher.rows:
            assert account in sie.accounts
            per_account[account] += amount
    # totals equal the ledger (bookkeeping signs: the ledger amount negated)
    ledger: dict[str, Decimal] = defaultdict(Decimal)
    numbers = {"external": "2089", "available": "2081", "earmarked": "2082",
               "committed": "2084", "disbursed": "3990", "reserved": "2083"}
    for entry in entries_2024.select_related("account"):
        kind = ("earmarked" if entry.account.kind == "available" and entry.account.earmark_id
                else entry.account.kind)
        ledger[numbers[kind]] -= entry.amount
    assert dict(per_account) == dict(ledger)
    assert per_account["2089"] == Decimal("1000000.00")  # the contribution, debited
    assert per_account["3990"] == Decimal("-100000.00")  # payments credited to the unit
    grant = next(v for v in sie.vouchers if "steg 2" in v.text)
    assert 'Undersköterskor "steg 2" - par. 3' in grant.text
    assert ["1", "4110"] in [objects for _a, objects, _x in grant.rows]


def test_sie_uses_the_municipalitys_accounts(fund, fund_admin, municipality) -> None:
    sie_accounts_set(actor=fund_admin, municipality=municipality, accounts={
        "external": ("2990", "Motkonto"), "available": ("2991", "Fond"),
        "earmarked": ("2992", "Öronmärkt"), "reserved": ("2993", "Reserverat"),
        "committed": ("2994", "Beviljat"), "disbursed": ("4990", "Bidrag")})
    sie = parse(sie_bytes(fund, 2025))
    assert set(sie.accounts) == {"2994", "4990"}
    assert len(sie.vouchers) == 1


def test_sie_accounts_must_differ(fund_admin, municipality) -> None:
    from kompetensfond.core.errors import ValidationError

    with pytest.raises(ValidationError):
        sie_accounts_set(actor=fund_admin, municipality=municipality, accounts={
            "external": ("2990", "A"), "available": ("2990", "B")})


def test_export_sie_command(fund, tmp_path) -> None:
    target = tmp_path / "fond.se"
    out = io.StringIO()
    call_command("export_sie", fund=fund.pk, year=2024, output=target, stdout=out)
    assert "6 verifikationer" in out.getvalue()
    assert parse(target.read_bytes()).labels["#SIETYP"] == [["4"]]


def test_sie_download_button(client, fund, viewer) -> None:
    client.force_login(viewer)
    response = client.get(reverse("ledger:sie", args=[fund.pk]), {"ar": "2024"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'kompetensfond-{fund.pk}-2024.se"')
    assert len(parse(response.content).vouchers) == 6
    bad = client.get(reverse("ledger:sie", args=[fund.pk]), {"ar": "1999"}, follow=True)
    assert "Välj ett år inom fondens period." in bad.content.decode()


def test_ledger_xlsx_and_csv_read_back(client, fund, viewer) -> None:
    client.force_login(viewer)
    url = reverse("ledger:list", args=[fund.pk])
    response = client.get(url, {"export": "xlsx", "kind": "disbursement"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("verifikation", "datum", "typ", "text", "belopp")
    assert [r[3] for r in rows[1:]] == ["Faktura 2", "Faktura 1"]
    assert sum(Decimal(str(r[4])) for r in rows[1:]) == Decimal("120000.50")
    assert rows[1][6] == "4110"
    csv_text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("verifikation;datum;typ;text;belopp")
    assert len(lines) == 1 + 7  # header and seven transactions
    assert any(";120000,50;" in line for line in lines)


def test_curly_quotes_in_a_text_do_not_shift_the_sie_fields(municipality, fund_admin) -> None:
    fund = fund_with_capital(municipality, "1000.00", start_date=date(2024, 1, 1),
                             end_date=date(2025, 12, 31))
    commitment_create(actor=SYSTEM, fund=fund, amount="10.00",
                      subject=Subject("demo.grant", "1"), text="Kursen “Bemötande” – del 1",
                      on=date(2024, 5, 1))
    sie = parse(sie_bytes(fund, 2024))
    texts = [v.text for v in sie.vouchers]
    assert 'Beviljande: Kursen "Bemötande" - del 1' in texts  # one field, quotes escaped
    assert all(sum(amount for *_rest, amount in v.rows) == 0 for v in sie.vouchers)
