"""Meetings as records: an agenda put together item by item, decisions recorded per item on
or after the meeting's date with the § of the minutes, delegated decisions reported once,
and approved minutes that never change; the decision basis and extracts as PDF (read back
with pdftotext)."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kompetensfond.applications.models import AgendaItem, Decision, Outcome, Status
from kompetensfond.applications.selectors import (
    agenda_candidates,
    meeting_agenda,
    unreported_delegated_decisions,
)
from kompetensfond.applications.services import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    application_withdraw,
    decision_record,
    decision_record_delegated,
    delegated_decisions_report,
    meeting_create,
    minutes_approve,
)
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                          capture_output=True, check=True).stdout.decode()


@pytest.fixture
def agenda(world):  # type: ignore[no-untyped-def]
    """Today's meeting of the fund's body with two proposals on its agenda."""
    big = world.recommended("123456.50", title="Undersköterskeutbildning")
    small = world.recommended("45000.00", title="Psykoskurs")
    meeting = meeting_create(actor=world.secretary, body=world.body, on=world.today)
    for application in (big, small):
        agenda_item_add(actor=world.secretary, meeting=meeting, application=application)
    return meeting, big, small


def test_the_agenda_holds_what_was_put_on_it_in_order(world, agenda) -> None:
    meeting, big, small = agenda
    assert [(i.position, i.application) for i in meeting_agenda(meeting)] == [
        (1, big), (2, small)]
    item = meeting.items.get(application=small)
    agenda_item_move(actor=world.secretary, item=item, up=True)
    assert [i.application for i in meeting_agenda(meeting)] == [small, big]
    # proposals made later are candidates, not items: the agenda is a record
    later = world.recommended("1000.00", title="Senare förslag")
    assert list(agenda_candidates(meeting)) == [later]
    assert later not in [i.application for i in meeting_agenda(meeting)]
    agenda_item_remove(actor=world.secretary, item=meeting.items.get(application=small))
    assert [(i.position, i.application) for i in meeting_agenda(meeting)] == [(1, big)]


def test_only_proposals_of_the_body_s_funds_go_on_its_agenda(world, agenda, other_body) -> None:
    meeting, big, _small = agenda
    with pytest.raises(ConflictError) as exc:  # already there
        agenda_item_add(actor=world.secretary, meeting=meeting, application=big)
    assert exc.value.code == "already_on_agenda"
    draft = world.draft()
    with pytest.raises(ConflictError):  # no proposal yet
        agenda_item_add(actor=world.secretary, meeting=meeting, application=draft)
    elsewhere = meeting_create(actor=world.secretary, body=other_body, on=world.today)
    with pytest.raises(ConflictError) as exc:
        agenda_item_add(actor=world.secretary, meeting=elsewhere,
                        application=world.recommended("1000.00"))
    assert exc.value.code == "meeting_other_body"
    assert AgendaItem.objects.count() == 2


def test_decisions_are_recorded_per_item_and_only_from_the_meeting_s_date(world) -> None:
    application = world.recommended()
    planned = meeting_create(actor=world.secretary, body=world.body,
                             on=world.today + timedelta(days=14))
    agenda_item_add(actor=world.secretary, meeting=planned, application=application)
    with pytest.raises(ConflictError) as exc:
        decision_record(actor=world.secretary, application=application, meeting=planned,
                        outcome=Outcome.GRANTED)
    assert exc.value.code == "meeting_not_held"
    held = meeting_create(actor=world.secretary, body=world.body, on=world.today)
    with pytest.raises(ConflictError) as exc:  # not on today's agenda
        decision_record(actor=world.secretary, application=application, meeting=held,
                        outcome=Outcome.GRANTED)
    assert exc.value.code == "not_on_agenda"
    assert not Decision.objects.exists()


def test_a_decided_item_stays_on_the_agenda(world, agenda) -> None:
    meeting, big, _small = agenda
    decision_record(actor=world.secretary, application=big, meeting=meeting,
                    outcome=Outcome.GRANTED)
    with pytest.raises(ConflictError):
        agenda_item_remove(actor=world.secretary, item=meeting.items.get(application=big))


def test_approved_minutes_never_change(client, world, agenda) -> None:
    meeting, big, small = agenda
    decision_record(actor=world.secretary, application=big, meeting=meeting,
                    outcome=Outcome.GRANTED, paragraph=12)
    client.force_login(world.secretary)
    with pytest.raises(ValidationError):  # not before the meeting
        minutes_approve(actor=world.secretary, meeting=meeting,
                        on=world.today - timedelta(days=1))
    minutes_approve(actor=world.secretary, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.is_approved
    before = pdf_text(client.get(reverse("applications:decision-basis",
                                         args=[meeting.pk])).content)
    assert "Protokollet justerat" in before
    # nothing can be added, moved, removed, decided or reported at it any more
    later = world.recommended("1000.00")
    item = meeting.items.get(application=small)
    refusals = [
        lambda: agenda_item_add(actor=world.secretary, meeting=meeting, application=later),
        lambda: agenda_item_move(actor=world.secretary, item=item, up=True),
        lambda: agenda_item_remove(actor=world.secretary, item=item),
        lambda: decision_record(actor=world.secretary, application=small, meeting=meeting,
                                outcome=Outcome.GRANTED),
        lambda: delegated_decisions_report(actor=world.secretary, meeting=meeting,
                                           decisions=[]),
        lambda: minutes_approve(actor=world.secretary, meeting=meeting),
    ]
    for refuse in refusals:
        with pytest.raises(ConflictError) as exc:
            refuse()
        assert exc.value.code == "meeting_approved"
    # the undecided item's application moves on; the record of the meeting does not
    application_withdraw(actor=world.manager, application=small, reason="Kursen ställdes in")
    after = pdf_text(client.get(reverse("applications:decision-basis",
                                        args=[meeting.pk])).content)
    assert after == before
    assert "Psykoskurs" in after
    assert "Bevilja" in after
    page = client.get(reverse("applications:meeting", args=[meeting.pk])).content.decode()
    assert "Protokollet justerades" in page
    assert "Sätt upp en ansökan på dagordningen" not in page
    assert "Senare" not in page


def test_decision_basis_and_minutes_extract_pdfs(client, world, agenda) -> None:
    meeting, big, _small = agenda
    client.force_login(world.secretary)
    basis = pdf_text(client.get(reverse("applications:decision-basis",
                                        args=[meeting.pk])).content)
    assert "Beslutsunderlag" in basis
    assert "Undersköterskeutbildning" in basis
    assert "123 456,50 kr" in basis
    decision_record(actor=world.secretary, application=big, meeting=meeting,
                    outcome=Outcome.GRANTED, case_number="KS 2026/44",
                    conditions="Slutrapport senast 2027-01-31")
    response = client.get(reverse("applications:minutes-extract", args=[big.pk]))
    year = world.today.year
    assert response["Content-Disposition"].endswith(f'protokollsutdrag-{year}-1.pdf"')
    text = pdf_text(response.content)
    assert "Protokollsutdrag" in text
    assert "§ 1 Undersköterskeutbildning" in text
    assert "KS 2026/44" in text
    assert "Beviljad: 123 456,50 kr" in text
    assert world.municipality.name in text
    page = client.get(reverse("applications:meeting", args=[meeting.pk])).content.decode()
    assert "§&nbsp;1" in page


def test_the_meeting_page_runs_the_meeting(client, world, agenda) -> None:
    meeting, big, small = agenda
    later = world.recommended("2000.00", title="Ledarskap")
    client.force_login(world.secretary)
    url = reverse("applications:meeting", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Sätt upp en ansökan på dagordningen" in page
    response = client.post(reverse("applications:agenda-add", args=[meeting.pk]),
                           {"application": later.pk}, follow=True)
    assert "Ansökan har satts upp på dagordningen." in response.content.decode()
    item = meeting.items.get(application=small)
    client.post(reverse("applications:paragraph-counter", args=[meeting.pk]),
                {"last_number": "40"})
    response = client.post(reverse("applications:item-decide", args=[meeting.pk, item.pk]), {
        f"item-{item.pk}-outcome": "granted", f"item-{item.pk}-case_number": "KS 2026/1"},
        follow=True)
    assert "Beslutet har registrerats." in response.content.decode()
    assert Decision.objects.get(application=small).paragraph == 41
    # a § already used is refused with its number, nothing written
    big_item = meeting.items.get(application=big)
    response = client.post(reverse("applications:item-decide", args=[meeting.pk, big_item.pk]),
                           {f"item-{big_item.pk}-outcome": "granted",
                            f"item-{big_item.pk}-paragraph": "41"}, follow=True)
    assert "§ 41" in response.content.decode()
    assert not Decision.objects.filter(application=big).exists()
    response = client.post(reverse("applications:minutes-approve", args=[meeting.pk]),
                           {"on": world.today.isoformat()}, follow=True)
    assert "Protokollet har justerats." in response.content.decode()


def test_delegated_decisions_are_reported_once(client, world) -> None:
    small = world.recommended("45000.00")
    decision = decision_record_delegated(actor=world.officer, application=small,
                                         outcome=Outcome.GRANTED)
    from kompetensfond.applications.documents import minutes_extract_pdf

    text = pdf_text(minutes_extract_pdf(decision))
    assert "Delegationsbeslut" in text
    assert "punkt 4.3" in text
    meeting = meeting_create(actor=world.secretary, body=world.body, on=world.today)
    assert list(unreported_delegated_decisions(meeting)) == [decision]
    client.force_login(world.secretary)
    response = client.post(reverse("applications:report-delegated", args=[meeting.pk]),
                           {"decisions": [decision.pk, "x"]}, follow=True)
    assert "1 delegationsbeslut har anmälts." in response.content.decode()
    decision.refresh_from_db()
    assert decision.reported_at == meeting
    with pytest.raises(ConflictError):
        delegated_decisions_report(actor=world.secretary, meeting=meeting,
                                   decisions=[decision])
    assert Decision.objects.filter(reported_at=meeting).count() == 1
    small.refresh_from_db()
    assert small.status == Status.GRANTED


def test_pdfs_and_meetings_are_not_for_other_municipalities(client, world,
                                                            other_municipality) -> None:
    meeting = meeting_create(actor=world.secretary, body=world.body, on=world.today)
    outsider = member(other_municipality, Role.SECRETARY, username="utsocknes")
    client.force_login(outsider)
    assert client.get(reverse("applications:decision-basis",
                              args=[meeting.pk])).status_code == 404
    assert client.get(reverse("applications:meeting", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("applications:minutes-approve", args=[meeting.pk]),
                       {"on": world.today.isoformat()}).status_code == 404
    application = world.recommended()
    assert client.get(reverse("applications:minutes-extract",
                              args=[application.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        agenda_item_add(actor=outsider, meeting=meeting, application=application)
    assert not AgendaItem.objects.exists()


def test_the_decision_basis_carries_the_proposed_selection(client, world) -> None:
    from kompetensfond.applications.models import Review
    from kompetensfond.applications.services import (
        application_recommend,
        conflict_declare,
        criterion_create,
        review_submit,
        reviewers_assign,
    )

    meeting = meeting_create(actor=world.secretary, body=world.body, on=world.today)
    # proposed before the fund had criteria: no score, not among the candidates
    unassessed = world.recommended("30000.00", title="Obedömd")
    agenda_item_add(actor=world.secretary, meeting=meeting, application=unassessed)
    client.force_login(world.secretary)
    url = reverse("applications:decision-basis", args=[meeting.pk])
    assert "Inga ärenden på dagordningen är bedömda ännu." in pdf_text(client.get(url).content)
    criterion = criterion_create(actor=world.officer, fund=world.fund, name="Strategi",
                                 weight=1)
    for title, amount, score in (("Undersköterskeutbildning", "123456.50", 4),
                                 ("Psykoskurs", "45000.00", 3)):
        application = world.submitted(amount, title=title)
        reviewers_assign(actor=world.officer, application=application,
                         reviewers=[world.reviewer])
        review = Review.objects.get(application=application)
        conflict_declare(actor=world.reviewer, review=review, conflict=False)
        review_submit(actor=world.reviewer, review=review, scores={criterion.pk: score})
        application_recommend(actor=world.officer, application=application,
                              outcome=Outcome.GRANTED, amount=None, reason="")
        agenda_item_add(actor=world.secretary, meeting=meeting, application=application)
    basis = pdf_text(client.get(url).content)
    assert "Beslutsstöd: förslag till urval" in basis
    assert "Undersköterskeutbildning: 123 456,50 kr" in basis
    assert "Psykoskurs: 45 000,00 kr" in basis
    assert "Summa 168 456,50 kr" in basis
    assert "Obedömd:" not in basis  # not assessed: not among the candidates
