"""Claims sent at once (PostgreSQL): together they never exceed the allowance, and
approvals at once never commit more than the scheme reserved.

Each request runs in its own thread with its own connection; they start together at a
barrier and queue on the allowance's row lock (claims) and the fund's (approvals)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kompetensfond.allowances.models import Claim, ClaimStatus
from kompetensfond.allowances.selectors import scheme_figures
from kompetensfond.allowances.services import claim_approve, claim_submit
from kompetensfond.ledger.balances import differences

from ..concurrency import at_once
from .conftest import Staff, claim_input

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_claims_sent_at_once_never_exceed_the_allowance(staff: Staff) -> None:
    scheme = staff.scheme()
    allowance = staff.allowance(scheme, staff.anna)  # 10 000 kr

    results = at_once(8, lambda n: claim_submit(actor=staff.anna_user, allowance=allowance,
                                                 data=claim_input("3000.00")))

    assert results.count("ok") == 3  # 9 000 kr; a fourth would make 12 000
    assert results.count("over_allowance") == 5
    assert Claim.objects.filter(allowance=allowance).count() == 3

    claims = list(Claim.objects.filter(allowance=allowance))
    approvals = at_once(3, lambda n: claim_approve(actor=staff.manager, claim=claims[n]))
    assert approvals == ["ok"] * 3
    figures = scheme_figures(scheme)
    assert figures.approved == Decimal("9000.00")
    assert figures.agrees_with_ledger
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.APPROVED}
    assert differences(scheme.fund_id) == []
