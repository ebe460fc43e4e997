"""The rules that make a decision trustworthy (issue "Applications, made solid"), each at its
boundary: refused with a clear Swedish error and nothing written."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from kompetensfond.applications.models import Application, ApplicationEvent, Decision, Status
from kompetensfond.applications.services import (
    GuidelineError,
    application_submit,
    decision_change,
    decision_record_at_meeting,
    decision_record_delegated,
    review_submit,
    reviewers_assign,
)
from kompetensfond.applications.services.review import conflict_declare
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.funds.services import earmark_create
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.selectors import earmark_available, fund_balance, subject_balance
from kompetensfond.ledger.services import transaction_reverse
from kompetensfond.plans.models import DelegationRule
from kompetensfond.plans.services import round_create
from tests.factories import FundFactory, OrgUnitFactory, StrategyFactory, member

pytestmark = pytest.mark.django_db


def nothing_decided(application: Application) -> None:
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED
    assert not Decision.objects.filter(application=application).exists()


# 1. Earmark restrictions are enforced ------------------------------------------------------

@pytest.fixture
def leadership(world):  # type: ignore[no-untyped-def]
    """Örebro's 4 MSEK leadership programme, here 300 000 kr for strategy L1 only."""
    l1 = StrategyFactory(plan=world.plan, code="L1", title="Ledarskap")
    return earmark_create(actor=world.officer, fund=world.fund, name="Ledarskapsprogram",
                          amount="300000.00", strategies=[l1]), l1


def test_an_earmark_for_a_strategy_funds_only_applications_for_it(world, leadership) -> None:
    earmark, l1 = leadership
    # a preschool grant for another strategy asks for the leadership money
    application = world.draft("150000.00", earmark=earmark)
    with pytest.raises(GuidelineError) as exc:
        application_submit(actor=world.manager, application=application)
    assert [f.code for f in exc.value.findings if f.blocks] == ["earmark_restricted"]
    assert "Ledarskapsprogram får bara användas för ansökningar kopplade till strategin L1" in (
        exc.value.message)
    # linked to L1 it may
    ok = world.recommended("150000.00", earmark=earmark, strategies=[world.strategy, l1])
    decision_record_at_meeting(actor=world.secretary, application=ok, on=world.today,
                               outcome=Status.GRANTED)
    assert earmark_available(earmark) == Decimal("150000.00")


def test_a_decision_is_refused_when_the_earmark_no_longer_fits(world, leadership) -> None:
    earmark, l1 = leadership
    application = world.recommended("150000.00", earmark=earmark, strategies=[l1])
    # the earmark is narrowed to an administration after the proposal
    earmark.administration = OrgUnitFactory(municipality=world.municipality, name="KSF")
    earmark.save()
    with pytest.raises(ValidationError) as exc:
        decision_record_at_meeting(actor=world.secretary, application=application,
                                   on=world.today, outcome=Status.GRANTED)
    assert exc.value.code == "earmark_restricted"
    assert "enheter inom KSF" in exc.value.message
    nothing_decided(application)
    assert earmark_available(earmark) == Decimal("300000.00")
    assert not application.agenda_items.exists()


def test_an_earmark_for_occupations_needs_one_of_them(world, ssyk) -> None:
    from kompetensfond.organisation.models import Occupation

    teachers = list(Occupation.objects.filter(ssyk_code__in=["2341", "2343"]))
    earmark = earmark_create(actor=world.officer, fund=world.fund, name="Pedagoger",
                             amount="100000.00", occupations=teachers)
    with pytest.raises(GuidelineError):
        world.submitted("50000.00", earmark=earmark,
                        occupations=Occupation.objects.filter(ssyk_code="5321"))
    world.submitted("50000.00", earmark=earmark,
                    occupations=Occupation.objects.filter(ssyk_code="2343"))


# 2. Frames per administration ---------------------------------------------------------------

def test_a_unit_draws_from_its_administration_s_frame_by_default(client, world) -> None:
    frame = earmark_create(actor=world.officer, fund=world.fund, name="Ram äldreomsorg",
                           amount="310000.00", administration=world.administration)
    application = world.recommended("200000.00")
    assert application.earmark == frame  # no earmark chosen: the unit's frame
    outside = OrgUnitFactory(municipality=world.municipality, name="Kulturförvaltningen")
    other = world.draft("1000.00", actor=world.officer, unit=outside)
    assert other.earmark is None  # a unit with no frame draws on the fund
    client.force_login(world.secretary)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Bidraget tas ur ramen Ram äldreomsorg:</strong> 310\xa0000,00\xa0kr kvar." in page
    decision_record_at_meeting(actor=world.secretary, application=application, on=world.today,
                               outcome=Status.GRANTED)
    assert earmark_available(frame) == Decimal("110000.00")
    with pytest.raises(ConflictError) as exc:  # the frame, not the fund, runs out
        decision_record_at_meeting(actor=world.secretary,
                                   application=world.recommended("200000.00"),
                                   on=world.today, outcome=Status.GRANTED)
    assert "Öronmärkningen Ram äldreomsorg har inte tillräckligt" in exc.value.message


# 3. Dates ------------------------------------------------------------------------------------

def test_a_decision_is_dated_between_submission_and_today(world) -> None:
    application = world.recommended("50000.00")
    for on in (world.today - timedelta(days=1), world.today + timedelta(days=1)):
        with pytest.raises((ValidationError, ConflictError)):
            decision_record_at_meeting(actor=world.secretary, application=application, on=on,
                                       outcome=Status.GRANTED)
        with pytest.raises(ValidationError) as exc:
            decision_record_delegated(actor=world.officer, application=application, on=on,
                                      outcome=Status.GRANTED)
        assert exc.value.code == "decision_date"
    nothing_decided(application)
    decision = decision_record_delegated(actor=world.officer, application=application,
                                         outcome=Status.GRANTED)
    txn = LedgerTransaction.objects.get(kind="commitment")
    assert txn.date == decision.decided_on == world.today


def test_a_round_lies_inside_the_fund_s_period(world) -> None:
    before = timezone.make_aware(datetime.combine(world.fund.start_date, datetime.min.time()))
    with pytest.raises(ValidationError):
        round_create(actor=world.officer, guideline=world.guideline, name="För tidig",
                     opens_at=before - timedelta(days=1), closes_at=before + timedelta(days=30))
    after = timezone.make_aware(datetime.combine(world.fund.end_date + timedelta(days=1),
                                                 datetime.min.time()))
    # closing at midnight after the fund's last day is inside it
    round_create(actor=world.officer, guideline=world.guideline, name="Sista",
                 opens_at=after - timedelta(days=30), closes_at=after)
    with pytest.raises(ValidationError):
        round_create(actor=world.officer, guideline=world.guideline, name="För sen",
                     opens_at=after, closes_at=after + timedelta(days=1))


def test_an_ended_fund_takes_no_applications_and_is_not_offered(client, world) -> None:
    ended = FundFactory(municipality=world.municipality, name="Fonden 2013",
                        start_date=world.today.replace(year=2013, month=1, day=1),
                        end_date=world.today.replace(year=2013, month=12, day=31))
    from kompetensfond.applications.services import application_create

    with pytest.raises(ConflictError) as exc:
        application_create(actor=world.manager, fund=ended, unit=world.unit, title="Sent")
    assert exc.value.code == "fund_ended"
    assert "2013-01-01–2013-12-31" in exc.value.message
    client.force_login(world.manager)
    form = client.get(reverse("applications:create")).content.decode()
    assert world.fund.name in form
    assert "Fonden 2013" not in form


# 4. § numbers as in the real minutes --------------------------------------------------------

def test_the_secretary_enters_the_paragraph_of_the_minutes(world) -> None:
    first = world.decided("1000.00", paragraph=112)
    assert first.paragraph == 112
    assert world.decided("1000.00").paragraph == 113  # the proposed next follows it
    application = world.recommended("1000.00")
    with pytest.raises(ConflictError) as exc:
        decision_record_at_meeting(actor=world.secretary, application=application,
                                   on=world.today, outcome=Status.GRANTED, paragraph=112)
    assert exc.value.code == "paragraph_taken"
    nothing_decided(application)


# 6. Separation of duties --------------------------------------------------------------------

def test_nobody_decides_what_they_wrote_are_contact_for_or_assessed(world) -> None:
    # the case officer wrote it: not as delegate, not as the one recording the meeting
    own = world.recommended("50000.00", actor=world.officer, contact=world.manager)
    with pytest.raises(PermissionDenied):
        decision_record_delegated(actor=world.officer, application=own,
                                  outcome=Status.GRANTED)
    with pytest.raises(PermissionDenied):
        decision_record_at_meeting(actor=world.officer, application=own, on=world.today,
                                   outcome=Status.GRANTED)
    nothing_decided(own)
    # a secretary who assessed it does not record its decision
    secretary_reviewer = member(world.municipality, Role.SECRETARY, Role.REVIEWER,
                                username="sekreterare-bedomare")
    assessed = world.submitted("50000.00")
    reviewers_assign(actor=world.officer, application=assessed, reviewers=[secretary_reviewer])
    review = assessed.reviews.get()
    conflict_declare(actor=secretary_reviewer, review=review, conflict=False)
    review_submit(actor=secretary_reviewer, review=review, scores={})
    from kompetensfond.applications.services import application_recommend

    application_recommend(actor=world.officer, application=assessed, outcome=Status.GRANTED,
                          amount=None, reason="")
    with pytest.raises(PermissionDenied) as exc:
        decision_record_at_meeting(actor=secretary_reviewer, application=assessed,
                                   on=world.today, outcome=Status.GRANTED)
    assert "bedömt" in str(exc.value)
    nothing_decided(assessed)


# 7. Named delegates can decide --------------------------------------------------------------

def test_a_delegate_named_in_person_decides_without_a_case_officer_role(world) -> None:
    hr_director = member(world.municipality, Role.VIEWER, username="hr-direktor")
    DelegationRule.objects.create(guideline=world.guideline, body=world.body,
                                  max_amount=Decimal("250000.00"), delegation_point="4.4",
                                  delegate_user=hr_director)
    application = world.recommended("200000.00")
    decision = decision_record_delegated(actor=hr_director, application=application,
                                         outcome=Status.GRANTED)
    assert decision.delegate == hr_director
    assert decision.delegation_point == "4.4"
    assert subject_balance(world.fund, "applications.application",
                           str(application.pk)).committed == Decimal("200000.00")
    # but only within the limit of the rule that names them
    bigger = world.recommended("250000.01")
    with pytest.raises(PermissionDenied):
        decision_record_delegated(actor=world.secretary, application=bigger,
                                  outcome=Status.GRANTED)
    with pytest.raises(ConflictError):
        decision_record_delegated(actor=hr_director, application=bigger,
                                  outcome=Status.GRANTED)


# 8. Only case officers correct the ledger; a granted amount changes with its decision ------

def test_a_granted_amount_changes_with_the_decision_and_the_ledger_together(world) -> None:
    decision = world.decided("400000.00")
    application = decision.application
    commitment = LedgerTransaction.objects.get(kind="commitment")
    with pytest.raises(PermissionDenied):  # a secretary cannot reverse it by hand
        transaction_reverse(actor=world.secretary, transaction=commitment, reason="Fel")
    with pytest.raises(ConflictError):  # nor can a case officer: change the decision
        transaction_reverse(actor=world.officer, transaction=commitment, reason="Fel")
    with pytest.raises(ValidationError):  # more than was asked for
        decision_change(actor=world.secretary, application=application, amount="400000.01",
                        reason="KS § 9")
    decision_change(actor=world.secretary, application=application, amount="250000.00",
                    reason="KS 2026-12-01 § 9: sänkt belopp")
    decision.refresh_from_db()
    application.refresh_from_db()
    assert decision.amount == Decimal("250000.00")
    assert decision.outcome == application.status == Status.PARTLY_GRANTED
    assert subject_balance(world.fund, "applications.application",
                           str(application.pk)).committed == Decimal("250000.00")
    assert fund_balance(world.fund).available == Decimal("750000.00")
    decision_change(actor=world.secretary, application=application, amount="400000.00",
                    reason="KS § 12: återställt")
    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert fund_balance(world.fund).committed == Decimal("400000.00")
    assert ApplicationEvent.objects.filter(application=application,
                                           reason__startswith="KS § 12").exists()


def test_a_change_that_would_overdraw_writes_nothing(world) -> None:
    decision = world.decided("400000.00", outcome=Status.PARTLY_GRANTED, amount="300000.00")
    from kompetensfond.ledger.services import Subject, commitment_create

    commitment_create(actor=SYSTEM, fund=world.fund, amount="650000.00",
                      subject=Subject("demo.grant", "1"), text="Annat")
    with pytest.raises(ConflictError) as exc:  # 100 000 more, 50 000 left
        decision_change(actor=world.secretary, application=decision.application,
                        amount="400000.00", reason="KS § 9")
    assert "Tillgängligt: 50\xa0000,00\xa0kr" in exc.value.message
    decision.refresh_from_db()
    assert decision.amount == Decimal("300000.00")
    assert decision.outcome == Status.PARTLY_GRANTED


# 9. Locks are narrow -------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_decisions_in_two_funds_of_one_municipality_do_not_wait_on_each_other(world) -> None:
    from tests.factories import BodyFactory, fund_with_capital

    other_fund = fund_with_capital(world.municipality, "100000.00",
                                   start_date=world.fund.start_date,
                                   end_date=world.fund.end_date,
                                   owning_body=BodyFactory(municipality=world.municipality,
                                                           name="Utbildningsnämnden"))
    from tests.factories import GuidelineFactory

    GuidelineFactory(fund=other_fund, plan=world.plan)
    first = world.recommended("1000.00")
    second = world.recommended("1000.00", fund=other_fund)
    held, done = threading.Event(), threading.Event()
    waited: list[float] = []

    def decide_and_hold() -> None:
        try:
            with transaction.atomic():
                decision_record_at_meeting(actor=world.secretary, application=first,
                                           on=world.today, outcome=Status.GRANTED)
                held.set()
                done.wait(10)  # keeps its locks until the other decision is through
        finally:
            connection.close()

    holder = threading.Thread(target=decide_and_hold)
    holder.start()
    assert held.wait(10)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            start = time.monotonic()
            decision_record_at_meeting(actor=world.secretary, application=second,
                                       on=world.today, outcome=Status.GRANTED)
            waited.append(time.monotonic() - start)
    finally:
        done.set()
        holder.join()
    # it went through while the first decision held its locks (no lock timeout)
    assert len(waited) == 1
    assert Decision.objects.count() == 2


# 10. Messages tell the truth; the form keeps what was typed --------------------------------

def test_a_refused_form_keeps_the_input_and_names_every_field(client, world) -> None:
    client.force_login(world.manager)
    data = {"fund": world.fund.pk, "unit": world.unit.pk, "title": "",
            "purpose": "Behörighet för undersköterskor", "expected_effect": "",
            "strategies": [world.strategy.pk], "participants_women": "3",
            "participants_men": "0", "participants_other": "0", "cofunding": "",
            "budget-TOTAL_FORMS": "3", "budget-INITIAL_FORMS": "0",
            "budget-MIN_NUM_FORMS": "0", "budget-MAX_NUM_FORMS": "30",
            "budget-0-cost_type": "course_fee", "budget-0-year": "2026",
            "budget-0-amount": "120 000",
            "budget-1-cost_type": "travel", "budget-1-year": "2026", "budget-1-amount": ""}
    page = client.post(reverse("applications:create"), data).content.decode()
    summary = page[page.index('id="error-summary"'):page.index("</ul>", page.index(
        'id="error-summary"'))]
    assert "Namn: " in summary  # the title
    assert "Budgetrad 2" in summary
    assert "Behörighet för undersköterskor" in page  # what was typed stays
    assert 'value="120 000"' in page
    assert not Application.objects.exists()
