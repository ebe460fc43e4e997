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


def _request(remote: str, forwarded: str = ""):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_the_client_address_comes_only_from_trusted_proxies(settings) -> None:
    from kompetensfond.core.middleware import client_ip

    spoofed = _request("10.0.0.5", forwarded="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0  # on the internet: headers are the client's words
    assert client_ip(spoofed) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 1  # behind one load balancer: what it appended
    assert client_ip(spoofed) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "6.6.6.6"
    assert client_ip(_request("10.0.0.5", forwarded="198.51.100.7")) == "10.0.0.5"


@pytest.mark.django_db
def test_behind_a_proxy_a_client_cannot_lock_someone_else_out(client, settings,
                                                              fund_admin) -> None:
    from tests.factories import PASSWORD

    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):  # an attacker guessing, from 203.0.113.9
        client.post("/logga-in/", {"username": fund_admin.username, "password": "fel"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = client.post("/logga-in/", {"username": fund_admin.username, "password": PASSWORD},
                         REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    # the user, from their own address through the same load balancer, still logs in
    response = client.post("/logga-in/", {"username": fund_admin.username,
                                          "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_and_sessions_end_when_idle(client, viewer,
                                                                   settings) -> None:
    settings.SESSION_RENEW_SECONDS = 60  # as in production
    client.force_login(viewer)
    response = client.get("/fonder/")
    assert response["Cache-Control"] == "no-store"
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 3600
    # a request renews the session (its expiry in the database moves on) once its last
    # renewal is a minute old; requests within that minute write nothing
    from django.contrib.sessions.models import Session

    key = client.session.session_key
    renewed = Session.objects.get(pk=key).expire_date
    client.get("/fonder/")
    assert Session.objects.get(pk=key).expire_date == renewed
    session = client.session
    session["_renewed_at"] = 0  # the last renewal long ago
    session.save()
    saved = Session.objects.get(pk=key).expire_date
    client.get("/fonder/")
    assert Session.objects.get(pk=key).expire_date > saved


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["abc\x00defghijklmnop", "ABCDEFGHIJ'; --", "x" * 500])
def test_a_forged_session_cookie_is_no_session_not_a_server_error(client, cookie) -> None:
    client.cookies["sessionid"] = cookie
    response = client.get("/api/v1/bodies/")
    assert response.status_code in (401, 403)
    assert client.get("/fonder/").status_code == 302


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_swedish_page(viewer) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post("/ansokningar/sammantraden/ny/", {})
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.content.decode()


@pytest.mark.django_db
def test_control_characters_are_refused_at_input_in_forms_and_the_api(client, api_client,
                                                                      world) -> None:
    from django.urls import reverse

    from kompetensfond.applications.models import Application

    client.force_login(world.manager)
    page = client.post(reverse("applications:create"), {
        "fund": world.fund.pk, "unit": world.unit.pk, "title": "Kurs\x07 i samtal",
        "purpose": "Rad ett\r\nrad två\tmed tabb", "strategies": [world.strategy.pk],
        "participants_women": "1", "participants_men": "0", "participants_other": "0",
        "budget-TOTAL_FORMS": "1", "budget-INITIAL_FORMS": "0", "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "30", "budget-0-cost_type": "course_fee",
        "budget-0-year": "2026", "budget-0-amount": "1000"}).content.decode()
    assert "kontrolltecken" in page
    api_client.force_authenticate(world.manager)
    response = api_client.post(reverse("application-list"), {
        "fund": world.fund.pk, "unit": world.unit.pk, "title": "Kurs\x00", "participants_women": 1,
        "budget": [{"cost_type": "course_fee", "year": 2026, "amount": "1000.00"}]},
        format="json")
    assert response.status_code == 400
    assert "title" in response.json()["fields"]
    assert not Application.objects.exists()
    # tabs and line breaks in multi-line text are fine
    ok = api_client.post(reverse("application-list"), {
        "fund": world.fund.pk, "unit": world.unit.pk, "title": "Kurs",
        "purpose": "Rad ett\r\nrad två\tmed tabb", "participants_women": 1,
        "strategies": [world.strategy.pk],
        "budget": [{"cost_type": "course_fee", "year": 2026, "amount": "1000.00"}]},
        format="json")
    assert ok.status_code == 201, ok.json()


@pytest.mark.django_db
def test_an_upload_larger_than_the_app_takes_is_stopped_while_it_streams(client,
                                                                         fund_admin) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kompetensfond.organisation.models import EmployeeImport

    client.force_login(fund_admin)
    big = SimpleUploadedFile("personal.csv", b"x" * (21 * 1024 * 1024), content_type="text/csv")
    response = client.post("/organisation/medarbetare/import/", {"file": big})
    assert response.status_code == 200
    assert "större än 20 MB" in response.content.decode()
    assert not EmployeeImport.objects.exists()
