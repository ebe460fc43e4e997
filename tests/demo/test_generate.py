"""``kompetensfond generate``: the national dataset, at a small size."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import Client

from kompetensfond.applications.models import Application, Decision, Status
from kompetensfond.core.models import Municipality, User
from kompetensfond.demo.national import names, spread, weights
from kompetensfond.followup.models import Payment
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.models import AccountKind, LedgerAccount, LedgerEntry
from kompetensfond.organisation.models import Employee, Paragraph, ParagraphCounter

pytestmark = pytest.mark.django_db

SMALL = {"municipalities": 4, "employees": 1200, "applications": 400, "ledger_entries": 4000}


def generate(**sizes: int) -> str:
    out = StringIO()
    call_command("generate", stdout=out, **{**SMALL, **sizes})
    return out.getvalue()


def test_sizes_spread_from_stockholm_to_bjurholm() -> None:
    shares = weights(290)
    assert sum(shares) == pytest.approx(1)
    assert 0.05 < shares[0] < 0.08  # Stockholm: about 6 % of the country's municipal staff
    assert 90 < shares[0] / shares[-1] < 130
    assert names(290)[0] == "Stockholm"
    assert names(290)[-1] == "Bjurholm"
    assert len(set(names(290))) == 290
    assert names(1) == ["Stockholm"]
    assert sum(spread(870_000, shares)) == 870_000


def test_generates_the_sizes_asked_for_with_a_ledger_that_agrees() -> None:
    output = generate()
    assert "4/4 kommuner" in output
    assert Municipality.objects.count() == 4
    assert Employee.objects.count() == 1200
    assert Application.objects.count() == 400
    assert abs(LedgerEntry.objects.count() - 4000) < 400  # the payments fill the budget
    # every state of the life cycle, decisions where decided, payments booked
    states = Counter(Application.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.REJECTED, Status.IN_PROGRESS, Status.CLOSED} <= set(states)
    assert Decision.objects.count() == sum(states[s] for s in (
        Status.REJECTED, Status.GRANTED, Status.PARTLY_GRANTED, Status.IN_PROGRESS,
        Status.REPORTED, Status.CLOSED))
    assert Payment.objects.count() > 0
    # the stored balances and totals are the sums of the entries, and no pot is overdrawn
    assert differences() == []
    assert not LedgerAccount.objects.filter(~Q(kind=AccountKind.EXTERNAL), balance__lt=0)
    # § numbers run 1, 2, … per body and year, and the counters know the last one
    for counter in ParagraphCounter.objects.all():
        numbers = sorted(Paragraph.objects.filter(body=counter.body, year=counter.year)
                         .values_list("number", flat=True))
        assert numbers == list(range(1, counter.last_number + 1))


def test_a_second_run_adds_municipalities_and_ids_continue() -> None:
    generate(municipalities=2, employees=300, applications=50, ledger_entries=300)
    generate(municipalities=2, employees=300, applications=50, ledger_entries=300)
    assert Municipality.objects.count() == 4
    assert set(Municipality.objects.values_list("slug", flat=True)) == {
        "stockholm", "bjurholm", "stockholm-2", "bjurholm-2"}
    assert differences() == []
    # the id sequences were moved on: the application's own writes still work
    stockholm = Municipality.objects.get(slug="stockholm")
    employee = Employee.objects.create(municipality=stockholm, employee_number="NY1",
                                       unit=Employee.objects.filter(
                                           municipality=stockholm).first().unit)  # type: ignore[union-attr]
    assert employee.pk > Employee.objects.exclude(pk=employee.pk).order_by("-pk")[0].pk


def test_each_municipality_sees_only_its_own() -> None:
    generate()
    officer = User.objects.get(username="stockholm-handlaggare")
    client = Client()
    client.force_login(officer)
    response = client.get("/ansokningar/")
    assert response.status_code == 200
    mine = Application.objects.filter(municipality__slug="stockholm")
    assert response.context["page"].paginator.count == mine.count()
    assert client.get("/rapporter/fordelning/?by=administration").status_code == 200


@pytest.mark.parametrize("sizes", [{"municipalities": 0}, {"employees": 5},
                                   {"applications": -1}])
def test_refuses_impossible_sizes(sizes: dict[str, int]) -> None:
    with pytest.raises(CommandError):
        generate(**sizes)
    assert not Municipality.objects.exists()


def test_amounts_are_whole_oren() -> None:
    generate(municipalities=2, employees=300, applications=80, ledger_entries=800)
    for amount in LedgerEntry.objects.values_list("amount", flat=True):
        assert amount == amount.quantize(Decimal("0.01"))
