from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.funds.models import Contribution, Earmark, Fund, FundStatus
from kompetensfond.funds.selectors import capital_by_source, contribution_list
from kompetensfond.funds.services import (
    contribution_record,
    earmark_adjust,
    earmark_create,
    fund_close,
    fund_create,
)
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.ledger.selectors import fund_balance, fund_dashboard
from kompetensfond.ledger.services import Subject, commitment_create, transaction_reverse
from tests.factories import BodyFactory, FundFactory, OrgUnitFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ks(municipality):
    return BodyFactory(municipality=municipality, name="Kommunstyrelsen")


@pytest.fixture
def fund(municipality, ks, fund_admin):
    return fund_create(actor=fund_admin, municipality=municipality, name="Kompetensfonden",
                       start_date=date(2018, 4, 6), end_date=date(2021, 12, 31),
                       owning_body=ks)


def contribute(fund, actor, amount="100000000.00", **overrides):
    values = {"on": date(2018, 4, 6), "source": "surplus", "source_text": "Årets resultat 2017",
              "decision_body": fund.owning_body, "decision_date": date(2018, 4, 6),
              "paragraph": None, "case_number": "KS 2018/212"}
    values.update(overrides)
    return contribution_record(actor=actor, fund=fund, amount=amount, **values)


def test_fund_create_is_audited_and_checks_input(fund, municipality, ks, fund_admin) -> None:
    assert fund.status == FundStatus.OPEN
    assert AuditEvent.objects.filter(action="fund.created", object_id=str(fund.pk)).exists()
    with pytest.raises(ConflictError):
        fund_create(actor=fund_admin, municipality=municipality, name="Kompetensfonden",
                    start_date=date(2018, 1, 1), end_date=date(2018, 2, 1), owning_body=ks)
    with pytest.raises(ValidationError) as exc:
        fund_create(actor=fund_admin, municipality=municipality, name="Baklänges",
                    start_date=date(2019, 1, 1), end_date=date(2018, 1, 1), owning_body=ks)
    assert "end_date" in exc.value.fields
    with pytest.raises(ValidationError):
        fund_create(actor=fund_admin, municipality=municipality, name="  ",
                    start_date=date(2019, 1, 1), end_date=date(2019, 2, 1), owning_body=ks)


def test_only_case_officers_create_funds(municipality, ks, viewer, other_municipality) -> None:
    with pytest.raises(PermissionDenied):
        fund_create(actor=viewer, municipality=municipality, name="F", owning_body=ks,
                    start_date=date(2019, 1, 1), end_date=date(2019, 2, 1))
    outsider = member(other_municipality, Role.FUND_ADMIN, username="utsocknes")
    with pytest.raises(PermissionDenied):
        fund_create(actor=outsider, municipality=municipality, name="F", owning_body=ks,
                    start_date=date(2019, 1, 1), end_date=date(2019, 2, 1))
    assert not Fund.objects.exists()


def test_another_municipalitys_body_cannot_own_the_fund(municipality, other_municipality,
                                                        fund_admin) -> None:
    foreign = BodyFactory(municipality=other_municipality)
    with pytest.raises(ValidationError):
        fund_create(actor=fund_admin, municipality=municipality, name="F", owning_body=foreign,
                    start_date=date(2019, 1, 1), end_date=date(2019, 2, 1))


def test_contributions_and_top_up_as_in_sodertalje(fund, fund_admin) -> None:
    kf = BodyFactory(municipality=fund.municipality, name="Kommunfullmäktige")
    first = contribute(fund, fund_admin, paragraph=58)
    contribute(fund, fund_admin, "50000000.00", on=date(2019, 5, 27), decision_body=kf,
               decision_date=date(2019, 5, 27), paragraph=80, case_number="KS 2019/301",
               source_text="Påfyllnad")
    assert first.decision_reference == "Kommunstyrelsen 2018-04-06 §\xa058, dnr KS 2018/212"
    balance = fund_balance(fund)
    assert balance.capital == balance.available == Decimal("150000000.00")
    txn = LedgerTransaction.objects.get(source_type="funds.contribution", source_id=first.pk)
    assert txn.text == "Årets resultat 2017: Kommunstyrelsen 2018-04-06 §\xa058, dnr KS 2018/212"
    assert AuditEvent.objects.filter(action="contribution.recorded").count() == 2
    assert AuditEvent.objects.filter(action="ledger.contribution").count() == 2


@pytest.mark.parametrize(("override", "field"), [
    ({"decision_body": None}, "decision_body"),
    ({"decision_date": None}, "decision_date"),
    ({"paragraph": 0}, "paragraph"),
    ({"case_number": "  "}, "case_number"),
    ({"source": "lottery"}, "source"),
    ({"source": "other", "source_text": ""}, "source_text"),
])
def test_a_contribution_without_its_decision_is_refused(fund, fund_admin, override,
                                                        field) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        contribute(fund, fund_admin, **override)
    assert field in exc.value.fields
    assert "beslutet bakom" in exc.value.message
    assert not Contribution.objects.exists()
    assert not LedgerTransaction.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_contribution_takes_its_paragraph_from_the_body_s_register(fund, fund_admin) -> None:
    from kompetensfond.organisation.models import Paragraph
    from kompetensfond.organisation.services import paragraph_take

    # the body decided § 1–57 of 2018 elsewhere; the contribution is § 58
    paragraph_take(actor=fund_admin, body=fund.owning_body, year=2018, number=57, text="x")
    first = contribute(fund, fund_admin)
    assert first.paragraph == 58
    assert Paragraph.objects.get(body=fund.owning_body, year=2018, number=58).text == (
        f"Avsättning till {fund.name}")
    with pytest.raises(ConflictError) as exc:  # the same § twice is refused
        contribute(fund, fund_admin, "1.00", paragraph=58)
    assert "§ 58" in exc.value.message
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-1.00", "1.001", "tio", "1e400"])
def test_contribution_amount_is_checked(fund, fund_admin, amount) -> None:
    with pytest.raises(ValidationError):
        contribute(fund, fund_admin, amount)
    assert not Contribution.objects.exists()


def test_contribution_dates(fund, fund_admin) -> None:
    with pytest.raises(ValidationError):  # before the period
        contribute(fund, fund_admin, on=date(2018, 1, 1), decision_date=date(2018, 1, 1))
    with pytest.raises(ValidationError):  # put in before it was decided
        contribute(fund, fund_admin, on=date(2018, 4, 6), decision_date=date(2018, 5, 1))
    assert not Contribution.objects.exists()


def test_contribution_idempotency(fund, fund_admin) -> None:
    first = contribute(fund, fund_admin, idempotency_key="k1")
    again = contribute(fund, fund_admin, idempotency_key="k1")
    assert again.pk == first.pk
    assert Contribution.objects.count() == 1
    with pytest.raises(ConflictError):
        contribute(fund, fund_admin, "1.00", idempotency_key="k1")
    assert fund_balance(fund).capital == Decimal("100000000.00")


def test_botkyrka_frames_are_earmarks_per_administration(fund, fund_admin) -> None:
    contribute(fund, fund_admin, "10000000.00")
    education = OrgUnitFactory(municipality=fund.municipality, name="Utbildningsförvaltningen")
    care = OrgUnitFactory(municipality=fund.municipality, name="Vård och omsorg")
    on = date(2018, 5, 1)
    frame = earmark_create(actor=fund_admin, fund=fund, name="Ram utbildning",
                           amount="6200000.00", administration=education, on=on)
    earmark_create(actor=fund_admin, fund=fund, name="Ram vård och omsorg",
                   amount="3100000.00", administration=care, on=on)
    assert frame.administration == education
    balance = fund_balance(fund)
    assert balance.unearmarked == Decimal("700000.00")
    assert balance.earmarked == Decimal("9300000.00")
    with pytest.raises(ConflictError):
        earmark_create(actor=fund_admin, fund=fund, name="Ram social", amount="700000.01", on=on)
    with pytest.raises(ConflictError):  # same name twice
        earmark_create(actor=fund_admin, fund=fund, name="Ram utbildning", amount="1.00", on=on)
    earmark_adjust(actor=fund_admin, earmark=frame, amount="200000.00", release=True, on=on)
    assert fund_balance(fund).unearmarked == Decimal("900000.00")
    with pytest.raises(ConflictError):  # the frame has 6,000,000 left
        earmark_adjust(actor=fund_admin, earmark=frame, amount="6000000.01", release=True, on=on)
    assert Earmark.objects.count() == 2


def test_earmark_restricted_to_another_municipalitys_unit_is_refused(
        fund, fund_admin, other_municipality) -> None:
    contribute(fund, fund_admin, "1000.00")
    foreign = OrgUnitFactory(municipality=other_municipality)
    with pytest.raises(ValidationError):
        earmark_create(actor=fund_admin, fund=fund, name="X", amount="10.00",
                       administration=foreign, on=date(2018, 5, 1))
    assert not Earmark.objects.exists()


def test_close_fund_once(fund, fund_admin) -> None:
    fund_close(actor=fund_admin, fund=fund)
    fund.refresh_from_db()
    assert fund.status == FundStatus.CLOSED
    assert fund.closed_at is not None
    with pytest.raises(ConflictError):
        fund_close(actor=fund_admin, fund=fund)
    with pytest.raises(ConflictError):
        contribute(fund, fund_admin)


def test_dashboard_figures(fund, fund_admin) -> None:
    contribute(fund, fund_admin, "1000000.00")
    admin_unit = OrgUnitFactory(municipality=fund.municipality, name="Socialförvaltningen")
    team = OrgUnitFactory(municipality=fund.municipality, parent=admin_unit, name="Barn och unga")
    earmark = earmark_create(actor=fund_admin, fund=fund, name="Ledarskap", amount="400000.00",
                             on=date(2018, 5, 1))
    commitment_create(actor=fund_admin, fund=fund, amount="300000.00", subject=Subject("a", "1"),
                      text="Trainee", on=date(2018, 6, 10), org_unit=team)
    commitment_create(actor=fund_admin, fund=fund, amount="100000.00", subject=Subject("a", "2"),
                      text="Ledare", on=date(2018, 7, 1), earmark=earmark)
    board = fund_dashboard(fund, today=date(2018, 8, 15))
    assert board.balance.capital == Decimal("1000000.00")
    assert board.balance.unearmarked == Decimal("300000.00")
    assert board.balance.earmarked == Decimal("300000.00")
    assert board.balance.committed == Decimal("400000.00")
    assert board.earmarks[earmark.pk].total == Decimal("400000.00")
    assert board.earmarks[earmark.pk].committed == Decimal("100000.00")
    by_admin = {(a.unit.name if a.unit else None): a.used for a in board.administrations}
    assert by_admin == {"Socialförvaltningen": Decimal("300000.00"), None: Decimal("100000.00")}
    months = {m.month: m for m in board.months}
    assert months[date(2018, 4, 1)].capital == Decimal("1000000.00")
    assert months[date(2018, 6, 1)].available == Decimal("700000.00")
    assert months[date(2018, 7, 1)].available == Decimal("600000.00")
    assert months[date(2018, 9, 1)].capital is None  # after today
    assert board.months[-1].month == date(2021, 12, 1)


def test_corrected_contribution_leaves_the_capital_by_source(fund, fund_admin) -> None:
    c = contribute(fund, fund_admin, "1000.00")
    contribute(fund, fund_admin, "500.00", source="afa_refund", source_text="")
    txn = LedgerTransaction.objects.get(source_type="funds.contribution", source_id=c.pk)
    transaction_reverse(actor=fund_admin, transaction=txn, reason="Fel belopp",
                        on=date(2018, 5, 1))
    contributions = contribution_list(fund)
    assert [getattr(x, "corrected", None) for x in contributions] == [True, False]
    sources = capital_by_source(contributions)
    assert [(s.source, s.amount) for s in sources] == [("afa_refund", Decimal("500.00"))]
    assert fund_balance(fund).capital == Decimal("500.00")


def test_fund_factory_default_is_usable(municipality) -> None:
    fund = FundFactory(municipality=municipality)
    assert fund_balance(fund).capital == 0


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2024, 1, 1), date(9999, 12, 31), "end_date"),
    (date(1899, 1, 1), date(2024, 1, 1), "start_date"),
    (date(2024, 1, 1), date(2034, 1, 2), "end_date"),  # ten years and a day
])
def test_a_fund_period_out_of_range_is_refused(municipality, ks, fund_admin, start, end,
                                               field) -> None:
    with pytest.raises(ValidationError) as exc:
        fund_create(actor=fund_admin, municipality=municipality, name="Lång", owning_body=ks,
                    start_date=start, end_date=end)
    assert field in exc.value.fields
    assert not Fund.objects.filter(name="Lång").exists()
    # exactly ten years is allowed
    fund_create(actor=fund_admin, municipality=municipality, name="Tio år", owning_body=ks,
                start_date=date(2024, 1, 1), end_date=date(2034, 1, 1))
