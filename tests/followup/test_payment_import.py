"""Payments imported from the finance system's file: every row checked and shown before
anything is written, then all registered or none."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kompetensfond.applications.models import Status
from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.errors import ValidationError
from kompetensfond.followup import services
from kompetensfond.followup.models import Payment
from kompetensfond.followup.services import payment_import, payment_import_check
from kompetensfond.ledger.selectors import fund_balance
from tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def _csv(*rows: str, header: str = "Verifikation;Datum;Belopp;Ansökan;Dnr") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def two_grants(world):  # type: ignore[no-untyped-def]
    first = world.decided("400000.00", case_number="KS 2026/10").application
    second = world.decided("100000.00", case_number="KS 2026/11").application
    return world, first, second


def test_a_file_is_checked_then_imported_whole(two_grants) -> None:
    world, first, second = two_grants
    day = world.today.isoformat()
    content = _csv(f"R-1;{day};150 000,00;{first.pk};",
                   f"R-2;{day};40000.00;;ks 2026/11",  # by case number, any case
                   f"R-3;{day};250 000;#{first.pk};")
    plan = payment_import_check(actor=world.officer, content=content)
    assert plan.errors == []
    assert [(line.row, line.voucher, line.amount, line.application) for line in plan.lines] == [
        (2, "R-1", Decimal("150000.00"), first), (3, "R-2", Decimal("40000.00"), second),
        (4, "R-3", Decimal("250000.00"), first)]
    assert plan.total == Decimal("440000.00")
    assert Payment.objects.count() == 0  # the preview writes nothing

    before = fund_balance(world.fund)
    payments = payment_import(actor=world.officer, content=content)
    assert [p.voucher for p in payments] == ["R-1", "R-2", "R-3"]
    after = fund_balance(world.fund)
    assert after.disbursed - before.disbursed == Decimal("440000.00")
    first.refresh_from_db()
    assert first.status == Status.IN_PROGRESS
    assert AuditEvent.objects.filter(action="payment.imported").count() == 1
    # the same file again: every voucher is taken, nothing more is written
    with pytest.raises(ValidationError) as refused:
        payment_import(actor=world.officer, content=content)
    assert "redan registrerad" in " ".join(refused.value.fields["file"])
    assert Payment.objects.count() == 3


def test_every_bad_row_is_named_and_nothing_is_written(two_grants, other_municipality) -> None:
    world, first, second = two_grants
    services.payment_register(actor=world.officer, application=second, amount="1000.00",
                              on=world.today, voucher="TAGEN")
    from tests.factories import fund_with_capital

    day = world.today.isoformat()
    content = _csv(
        f"A-1;{day};300 000;{first.pk};",
        f"A-2;{day};150 000;{first.pk};",  # 450 000 in all: more than granted
        f"TAGEN;{day};10;{second.pk};",  # voucher already registered
        f"A-1;{day};10;{second.pk};",  # voucher twice in the file
        f"A-5;2026-02-30;10;{second.pk};",  # no such date
        f"A-6;{day};tio kronor;{second.pk};",
        f"A-7;{day};-5;{second.pk};",
        f"A-8;{day};10;999999;",  # no such application
        f"A-9;{day};10;;KS 1999/1",  # no such case number
        f"A-10;2000-01-01;10;{second.pk};",  # before the decision
        f"A-11;{day};10;;",  # no grant named
    )
    plan = payment_import_check(actor=world.officer, content=content)
    errors = dict(plan.errors)
    assert sorted(errors) == list(range(3, 13))
    assert "mer än det som är beviljat" in errors[3]
    assert "redan registrerad" in errors[4]
    assert "finns också på rad 2" in errors[5]
    assert "inte ett datum" in errors[6]
    assert "inte ett belopp" in errors[7]
    assert "mer än 0 kr" in errors[8]
    assert "999999" in errors[9]
    assert "KS 1999/1" in errors[10]
    assert "mellan beslutet" in errors[11]
    assert "varken ansökans nummer eller diarienummer" in errors[12]
    with pytest.raises(ValidationError) as refused:
        payment_import(actor=world.officer, content=content)
    assert "10 rader har fel" in refused.value.message
    assert Payment.objects.count() == 1
    # another municipality's application does not exist for this file
    _ = fund_with_capital(other_municipality, "1000.00")
    stranger = member(other_municipality, "fund_admin", username="annan")
    plan = payment_import_check(actor=stranger, content=_csv(f"X-1;{day};10;{first.pk};"))
    assert plan.lines == []
    assert str(first.pk) in plan.errors[0][1]


def test_a_row_refused_at_registration_undoes_the_whole_file(two_grants, monkeypatch) -> None:
    world, first, second = two_grants
    day = world.today.isoformat()
    content = _csv(f"B-1;{day};1000;{first.pk};", f"B-2;{day};1000;{second.pk};")
    real = services.payment_register

    def second_one_loses_a_race(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["voucher"] == "B-2":
            from kompetensfond.core.errors import ConflictError

            raise ConflictError("En annan utbetalning hann före.", code="over_commitment")
        return real(**kwargs)

    monkeypatch.setattr(services, "payment_register", second_one_loses_a_race)
    from kompetensfond.core.errors import ConflictError

    with pytest.raises(ConflictError, match="Rad 3"):
        payment_import(actor=world.officer, content=content)
    assert Payment.objects.count() == 0
    assert fund_balance(world.fund).disbursed == Decimal("0.00")


def test_unreadable_files_are_refused_in_swedish(world) -> None:
    for content, words in (
            (b"", "tom"),
            (_csv("1;2;3", header="Nummer;När;Summa"), "ingen kolumn verifikation"),
            (_csv("R;2026-01-01;10", header="Verifikation;Datum;Belopp"), "ansökan"),
            (_csv(header="Verifikation;Datum;Belopp;Ansökan"), "inga utbetalningar"),
            (b"x" * (1024 * 1024 + 1), "1 MB")):
        with pytest.raises(ValidationError) as refused:
            payment_import_check(actor=world.officer, content=content)
        assert words in refused.value.message, refused.value.message
        assert refused.value.code == "payment_file"


def test_an_xlsx_from_the_finance_system(two_grants) -> None:
    world, first, _second = two_grants
    book = Workbook()
    sheet = book.active
    sheet.append(["Verifikationsnummer", "Betaldatum", "Belopp", "Dnr"])
    sheet.append(["X-1", world.today, 1234.5, "KS 2026/10"])
    out = io.BytesIO()
    book.save(out)
    plan = payment_import_check(actor=world.officer, content=out.getvalue())
    assert plan.errors == []
    assert plan.lines[0].amount == Decimal("1234.50")
    assert plan.lines[0].application == first


def test_only_case_officers_import(world) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        payment_import_check(actor=world.manager, content=_csv("R;2026-01-01;10;1;"))


def test_the_import_page_previews_then_registers(client, two_grants) -> None:
    world, first, _second = two_grants
    client.force_login(world.officer)
    url = reverse("followup:payment-import")
    assert "Importera utbetalningar" in client.get(url).content.decode()
    upload = SimpleUploadedFile("betalningar.csv", _csv(
        f"P-1;{world.today.isoformat()};100 000;{first.pk};"), content_type="text/csv")
    page = client.post(url, {"file": upload}).content.decode()
    assert "P-1" in page
    assert "100\xa0000,00\xa0kr" in page
    assert "Registrera 1 utbetalning" in page
    assert Payment.objects.count() == 0
    signed = page.split('name="content" value="')[1].split('"')[0]
    tampered = client.post(url, {"confirm": "1", "content": signed[:-2] + "xx"}).content
    assert "Ladda upp filen igen" in tampered.decode()
    assert Payment.objects.count() == 0
    done = client.post(url, {"confirm": "1", "content": signed}, follow=True).content.decode()
    assert "1 utbetalning på 100\xa0000,00\xa0kr har registrerats." in done
    assert Payment.objects.get().voucher == "P-1"
    bad = SimpleUploadedFile("fel.csv", _csv(f"P-2;{world.today.isoformat()};abc;{first.pk};"))
    page = client.post(url, {"file": bad}).content.decode()
    assert "Rad 2:" in page
    assert 'name="confirm"' not in page
    client.force_login(world.manager)
    assert client.get(url).status_code == 403


def test_the_import_api(api_client, two_grants) -> None:
    world, first, _second = two_grants
    api_client.force_authenticate(world.officer)
    url = reverse("payment-import")
    day = world.today.isoformat()
    good = SimpleUploadedFile("p.csv", _csv(f"Q-1;{day};5000;{first.pk};"))
    preview = api_client.post(url + "?dry_run=true", {"file": good}, format="multipart")
    assert preview.status_code == 200, preview.content
    assert preview.json()["ok"] is True
    assert preview.json()["total"] == "5000.00"
    assert Payment.objects.count() == 0
    bad = SimpleUploadedFile("p.csv", _csv(f"Q-2;{day};5000;{first.pk};", f"Q-3;nej;5;{first.pk};"))
    refused = api_client.post(url, {"file": bad}, format="multipart")
    assert refused.status_code == 400
    assert "Rad 3" in str(refused.json())
    assert Payment.objects.count() == 0
    good.seek(0)
    created = api_client.post(url, {"file": good}, format="multipart")
    assert created.status_code == 201
    assert created.json()[0]["voucher"] == "Q-1"
    assert api_client.post(url, {}, format="multipart").status_code == 400


def test_a_registered_voucher_is_found_however_its_spaces_are_typed(two_grants) -> None:
    world, first, _second = two_grants
    services.payment_register(actor=world.officer, application=first, amount="1000.00",
                              on=world.today, voucher="R 2026 7")
    plan = payment_import_check(actor=world.officer, content=_csv(
        f"R  2026   7;{world.today.isoformat()};10;{first.pk};"))
    assert plan.lines == []
    assert "R 2026 7 är redan registrerad" in plan.errors[0][1]
