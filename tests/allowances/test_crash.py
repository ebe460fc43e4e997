"""A process killed in the middle of creating a scheme (its reservation) leaves nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from kompetensfond.allowances.models import Allowance, AllowanceScheme
from kompetensfond.funds.models import Fund
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.models import LedgerTransaction
from tests.crash import finish, kill_when_blocked, start, wait_gone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CREATE = """
import datetime
from kompetensfond.allowances.services import SchemeInput, scheme_create
from kompetensfond.core.models import User
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Occupation, OrgUnit
year = {year}
scheme_create(actor=User.objects.get(pk={officer}), fund=Fund.objects.get(pk={fund}),
              data=SchemeInput(
    name="Kompetensutvecklingspeng socialsekreterare", amount="10000.00",
    period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
    expiry_date=datetime.date(year, 12, 31), cutoff_date=datetime.date(year, 1, 1),
    occupations=[Occupation.objects.get(pk={occupation})],
    units=[OrgUnit.objects.get(pk={unit})], decision_reference="SDN 2026-11-19 § 142"))
"""


def test_a_scheme_killed_half_way_reserves_nothing_and_the_next_succeeds(staff) -> None:
    world = staff.world
    code = CREATE.format(year=world.today.year, officer=world.officer.pk, fund=world.fund.pk,
                         occupation=staff.occupation.pk, unit=staff.social.pk)
    with transaction.atomic():
        # the scheme and its allowances are written, then the reservation locks the fund
        Fund.objects.select_for_update().get(pk=world.fund.pk)
        backend = kill_when_blocked(start(code))
    wait_gone(backend)
    assert not AllowanceScheme.objects.exists()
    assert not Allowance.objects.exists()
    assert not LedgerTransaction.objects.filter(kind="reservation").exists()
    finish(start(code))  # the next run
    scheme = AllowanceScheme.objects.get()
    assert Allowance.objects.filter(scheme=scheme).count() == 2  # Anna and Bo
    assert LedgerTransaction.objects.filter(kind="reservation").count() == 1
    assert differences() == []
