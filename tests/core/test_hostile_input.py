"""Hostile or odd input that once broke things after it was stored: every export is
written whatever the text holds, and e-mail stays one-line and plain."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kompetensfond.applications.services import application_submit
from kompetensfond.core.exports import xlsx_bytes


def test_an_xlsx_export_is_written_whatever_control_characters_the_text_holds() -> None:
    content = xlsx_bytes(["Text", "Belopp"], [["Kurs\x07 i\x00 samtal\x1b", 1], ["=SUMMA(A1)", 2]],
                         sheet="Huvud\x07bok")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Huvudbok"
    assert sheet["A2"].value == "Kurs\ufffd i\ufffd samtal\ufffd"
    assert sheet["A3"].value == "'=SUMMA(A1)"  # still formula-safe
    assert sheet["B2"].value == 1


@pytest.mark.django_db
def test_an_e_mail_subject_is_one_line_and_the_body_plain_text(
        world, fund_admin, mailoutbox, django_capture_on_commit_callbacks) -> None:
    fund_admin.email = "hanna@kommun.invalid"
    fund_admin.save()
    application = world.draft("1000.00", title="Kurs\r\ni <samtal> & \"bemötande\"")
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=world.manager, application=application)
    (mail,) = mailoutbox
    assert mail.subject == 'Ny ansökan: Kurs i <samtal> & "bemötande"'
    assert '<samtal> & "bemötande"' in mail.body
    assert "&amp;" not in mail.body
