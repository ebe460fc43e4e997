"""The reports' hand-computed fixture."""

from __future__ import annotations

import pytest

from kompetensfond.followup.models import FollowUp, FollowUpKind
from kompetensfond.followup.services import follow_up_accept, follow_up_submit, payment_register
from tests.factories import OrgUnitFactory


@pytest.fixture
def grants(world):  # type: ignore[no-untyped-def]
    """Two grants in two administrations, one paid in part and one closed with money back:
    granted 400 000 + 100 000; paid 150 000, and 100 000 of which 20 000 came back."""
    school = OrgUnitFactory(municipality=world.municipality, name="Skolförvaltningen",
                            sector="education")
    first = world.decided("400000.00").application
    from kompetensfond.applications.models import Outcome
    from kompetensfond.applications.services import (
        application_recommend,
        application_submit,
        decision_record_at_meeting,
    )

    draft = world.draft("100000.00", unit=school, actor=world.officer, title="Lärarlyft")
    application_submit(actor=world.officer, application=draft)
    application_recommend(actor=world.officer, application=draft, outcome=Outcome.GRANTED,
                          amount=None, reason="")
    second = decision_record_at_meeting(actor=world.secretary, application=draft,
                                        on=world.today, outcome=Outcome.GRANTED).application
    payment_register(actor=world.officer, application=first, amount="150000.00",
                     on=world.today, voucher="R1")
    payment_register(actor=world.officer, application=second, amount="100000.00",
                     on=world.today, voucher="R2")
    final = FollowUp.objects.get(application=second, kind=FollowUpKind.FINAL)
    follow_up_submit(actor=world.officer, follow_up=final, costs={"course_fee": "80000.00"},
                     people={"started_women": 4, "completed_women": 4, "started_men": 1,
                             "completed_men": 1})
    follow_up_accept(actor=world.officer, follow_up=final)
    return world, first, second, school
