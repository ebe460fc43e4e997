"""E-mail in Swedish on submission, return, assignment and decision, sent only after the
change has committed."""

from __future__ import annotations

from datetime import date

import pytest

from kompetensfond.applications.models import Status
from kompetensfond.applications.services import (
    Line,
    application_create,
    application_recommend,
    application_return,
    application_submit,
    decision_record,
    meeting_create,
    reviewers_assign,
)
from kompetensfond.core.errors import ConflictError
from kompetensfond.core.models import Role
from kompetensfond.plans.services import guideline_save
from tests.factories import OrgUnitFactory, fund_with_capital, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality, fund_admin):
    fund_admin.email = "hanna@kommun.invalid"
    fund_admin.save()
    fund = fund_with_capital(municipality, "100000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))
    guideline_save(actor=fund_admin, fund=fund, plan=None, eligible_cost_types=["course_fee"],
                   requires_strategy=False)
    manager = member(municipality, Role.UNIT_MANAGER, email="chef@kommun.invalid",
                     unit=OrgUnitFactory(municipality=municipality), username="chef")
    application = application_create(actor=manager, fund=fund,
                                     unit=manager.membership.roles.get().unit, title="Kurs",
                                     participants_women=2,
                                     lines=[Line("course_fee", 2025, "40000.00")])
    return {"fund": fund, "manager": manager, "application": application}


def test_each_step_mails_the_right_people_in_swedish(world, fund_admin, municipality,
                                                     mailoutbox,
                                                     django_capture_on_commit_callbacks) -> None:
    application = world["application"]
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=world["manager"], application=application)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["hanna@kommun.invalid"], "Ny ansökan: Kurs")]
    assert "/ansokningar/" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        application_return(actor=fund_admin, application=application, reason="Bifoga kursplan")
    assert mailoutbox[-1].to == ["chef@kommun.invalid"]
    assert "Bifoga kursplan" in mailoutbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=world["manager"], application=application)
    reviewer = member(municipality, Role.REVIEWER, username="bertil",
                      email="bertil@kommun.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        reviewers_assign(actor=fund_admin, application=application, reviewers=[reviewer])
    assert mailoutbox[-1].subject == "Ansökan att bedöma: Kurs"
    assert mailoutbox[-1].to == ["bertil@kommun.invalid"]

    application_recommend(actor=fund_admin, application=application, outcome=Status.GRANTED,
                          amount=None, reason="")
    meeting = meeting_create(actor=fund_admin, body=world["fund"].owning_body,
                             on=date(2025, 3, 12))
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(actor=fund_admin, application=application, meeting=meeting,
                        outcome=Status.GRANTED, case_number="KS 2025/1")
    mail = mailoutbox[-1]
    assert mail.subject == "Beslut om ansökan: Kurs"
    assert "beviljad, 40\xa0000,00\xa0kr" in mail.body
    assert "§\xa01, dnr KS 2025/1" in mail.body


def test_no_mail_for_a_refused_change(world, fund_admin, mailoutbox,
                                      django_capture_on_commit_callbacks) -> None:
    application = world["application"]
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=world["manager"], application=application)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConflictError):
        application_submit(actor=world["manager"], application=application)  # twice
    assert len(mailoutbox) == sent
