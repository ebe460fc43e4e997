"""Attachments: type checked by content, not by name; at most 10 MB; only while the
application can be changed; served only to those who may see the application."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kompetensfond.applications.files import DOCX, PDF, XLSX, sniff
from kompetensfond.applications.models import Attachment
from kompetensfond.applications.services import attachment_add
from kompetensfond.core.errors import ValidationError
from kompetensfond.core.models import Role
from tests.factories import OrgUnitFactory, member

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def test_sniffing_uses_the_content() -> None:
    assert sniff(PDF_BYTES) == PDF
    assert sniff(xlsx_bytes()) == XLSX
    assert sniff(b"MZ\x90\x00 an exe renamed to .pdf") is None
    assert sniff(b"PK\x03\x04 not really a zip") is None
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert DOCX.endswith("document")


@pytest.fixture
def application(world, fund_admin, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return world.draft("100.00", actor=fund_admin, title="Kurs")


def test_upload_and_download(client, application, fund_admin) -> None:
    client.force_login(fund_admin)
    upload = SimpleUploadedFile("kursplan.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(reverse("applications:attachment-upload", args=[application.pk]),
                           {"file": upload}, follow=True)
    assert "Filen har bifogats." in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.content_type == PDF
    download = client.get(reverse("applications:attachment",
                                  args=[application.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == PDF
    assert 'filename="kursplan.pdf"' in download["Content-Disposition"]


def test_a_renamed_program_is_refused(client, application, fund_admin) -> None:
    client.force_login(fund_admin)
    upload = SimpleUploadedFile("budget.xlsx", b"MZ\x90\x00 pretending", content_type=XLSX)
    response = client.post(reverse("applications:attachment-upload", args=[application.pk]),
                           {"file": upload}, follow=True)
    assert "Bifoga en PDF-, Word- (DOCX) eller Excelfil (XLSX)" in response.content.decode()
    assert not Attachment.objects.exists()


def test_too_large_is_refused(application, fund_admin) -> None:
    with pytest.raises(ValidationError):
        attachment_add(actor=fund_admin, application=application, name="stor.pdf",
                       content=PDF_BYTES + b"0" * (10 * 1024 * 1024))
    assert not Attachment.objects.exists()


def test_others_cannot_download(client, application, fund_admin, municipality) -> None:
    attachment = attachment_add(actor=fund_admin, application=application, name="a.pdf",
                                content=PDF_BYTES)
    other = member(municipality, Role.UNIT_MANAGER,
                   unit=OrgUnitFactory(municipality=municipality), username="annan")
    client.force_login(other)
    assert client.get(reverse("applications:attachment",
                              args=[application.pk, attachment.pk])).status_code == 404


def test_an_office_zip_bomb_is_refused(application, fund_admin) -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))  # 120 MB of zeros
    bomb = out.getvalue()
    assert len(bomb) < 200_000
    assert sniff(bomb) is None
    with pytest.raises(ValidationError, match="100 MB uppackade"):
        attachment_add(actor=fund_admin, application=application, name="plan.docx",
                       content=bomb)
    assert not Attachment.objects.exists()


def test_the_stored_name_has_the_extension_of_what_the_file_is(application, fund_admin) -> None:
    attachment = attachment_add(actor=fund_admin, application=application,
                                name="../kurs\x07plan.exe", content=PDF_BYTES)
    assert attachment.name == "..kursplan.pdf"
    assert attachment.content_type == PDF
    assert attachment.file.name.endswith(".pdf")
