"""A process killed in the middle of recording a decision leaves nothing of it."""

from __future__ import annotations

import pytest
from django.db import transaction

from kompetensfond.applications.models import Decision, Status
from kompetensfond.audit.models import AuditEvent
from kompetensfond.funds.models import Fund
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.models import LedgerTransaction
from tests.crash import finish, kill_when_blocked, start, wait_gone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DECIDE = """
from kompetensfond.applications.models import Application
from kompetensfond.applications.services import decision_record_delegated
from kompetensfond.core.models import User
decision_record_delegated(actor=User.objects.get(pk={officer}),
                          application=Application.objects.get(pk={application}),
                          outcome="granted")
"""


def test_a_decision_killed_half_way_leaves_nothing_and_the_next_succeeds(world) -> None:
    application = world.recommended("50000.00")
    events = AuditEvent.objects.count()
    code = DECIDE.format(officer=world.officer.pk, application=application.pk)
    with transaction.atomic():
        # the ledger locks the fund after the decision row is written: hold that lock
        Fund.objects.select_for_update().get(pk=world.fund.pk)
        backend = kill_when_blocked(start(code))
    wait_gone(backend)
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED
    assert not Decision.objects.filter(application=application).exists()
    assert not LedgerTransaction.objects.filter(kind="commitment").exists()
    assert AuditEvent.objects.count() == events
    finish(start(code))  # the next run
    assert Decision.objects.get(application=application).amount == 50000
    assert LedgerTransaction.objects.filter(kind="commitment").count() == 1
    assert differences() == []
