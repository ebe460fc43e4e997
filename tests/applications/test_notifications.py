"""E-mail in Swedish on submission, return, assignment and decision, sent only after the
change has committed."""

from __future__ import annotations

import pytest

from kompetensfond.applications.models import Status
from kompetensfond.applications.services import (
    application_recommend,
    application_return,
    application_submit,
    decision_record_at_meeting,
    reviewers_assign,
)
from kompetensfond.core.errors import ConflictError
from kompetensfond.core.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed(world, fund_admin):  # type: ignore[no-untyped-def]
    """The world's case officer with an e-mail address, and a draft to follow."""
    fund_admin.email = "hanna@kommun.invalid"
    fund_admin.save()
    return world.draft("40000.00", title="Kurs", participants_women=2)


def test_each_step_mails_the_right_people_in_swedish(world, mailed, fund_admin, municipality,
                                                     mailoutbox,
                                                     django_capture_on_commit_callbacks) -> None:
    application = mailed
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=world.manager, application=application)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["hanna@kommun.invalid"], "Ny ansökan: Kurs")]
    assert "/ansokningar/" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        application_return(actor=fund_admin, application=application, reason="Bifoga kursplan")
    assert mailoutbox[-1].to == ["chef@kommun.invalid"]
    assert "Bifoga kursplan" in mailoutbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=world.manager, application=application)
    reviewer = member(municipality, Role.REVIEWER, username="berit",
                      email="berit@kommun.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        reviewers_assign(actor=fund_admin, application=application, reviewers=[reviewer])
    assert mailoutbox[-1].subject == "Ansökan att bedöma: Kurs"
    assert mailoutbox[-1].to == ["berit@kommun.invalid"]

    application_recommend(actor=fund_admin, application=application, outcome=Status.GRANTED,
                          amount=None, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        decision_record_at_meeting(actor=world.secretary, application=application,
                                   on=world.today, outcome=Status.GRANTED,
                                   case_number="KS 2026/1")
    mail = mailoutbox[-1]
    assert mail.subject == "Beslut om ansökan: Kurs"
    assert "beviljad, 40\xa0000,00\xa0kr" in mail.body
    assert "§\xa01, dnr KS 2026/1" in mail.body


def test_no_mail_for_a_refused_change(world, mailed, fund_admin, mailoutbox,
                                      django_capture_on_commit_callbacks) -> None:
    application = mailed
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=world.manager, application=application)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConflictError):
        application_submit(actor=world.manager, application=application)  # twice
    assert len(mailoutbox) == sent
