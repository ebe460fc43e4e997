import pytest
from django.core.exceptions import PermissionDenied

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.organisation.models import OrgUnit, Paragraph, ParagraphCounter
from kompetensfond.organisation.services import (
    body_create,
    occupation_names_import,
    org_unit_create,
    org_unit_deactivate,
    org_unit_update,
    paragraph_counter_set,
    paragraph_take,
)
from tests.factories import BodyFactory, EmployeeFactory, member

from .helpers import csv_bytes, xlsx_bytes


@pytest.fixture
def tree(fund_admin, municipality):
    def make(name, cc, parent=None):
        return org_unit_create(actor=fund_admin, municipality=municipality, name=name,
                               cost_centre=cc, sector="education", parent=parent)
    a = make("Utbildningsförvaltningen", "3000")
    b = make("Förskolor", "3100", a)
    c = make("Förskolan Solen", "3110", b)
    d = make("Socialförvaltningen", "5000")
    return a, b, c, d


@pytest.mark.django_db
def test_new_units_get_paths_depth_and_kind(tree) -> None:
    a, b, c, _d = tree
    assert (a.path, a.depth, a.kind) == (f"/{a.pk}/", 0, "administration")
    assert (c.path, c.depth, c.kind) == (f"/{a.pk}/{b.pk}/{c.pk}/", 2, "unit")


@pytest.mark.django_db
def test_moving_a_unit_moves_its_subtree_and_is_audited(fund_admin, tree) -> None:
    a, b, c, d = tree
    org_unit_update(actor=fund_admin, unit=b, parent=d, move=True)
    c.refresh_from_db()
    b.refresh_from_db()
    assert b.path == f"/{d.pk}/{b.pk}/"
    assert (c.path, c.depth) == (f"/{d.pk}/{b.pk}/{c.pk}/", 2)
    event = AuditEvent.objects.filter(action="org_unit.updated").get()
    assert event.changes == {"parent": [a.pk, d.pk]}
    org_unit_update(actor=fund_admin, unit=b, parent=None, move=True)
    c.refresh_from_db()
    assert (c.path, c.depth) == (f"/{b.pk}/{c.pk}/", 1)


@pytest.mark.django_db
def test_a_unit_cannot_move_below_itself(fund_admin, tree) -> None:
    a, _b, c, _d = tree
    with pytest.raises(ValidationError, match="under sig själv"):
        org_unit_update(actor=fund_admin, unit=a, parent=c, move=True)
    c.refresh_from_db()
    assert c.path.startswith(f"/{a.pk}/")


@pytest.mark.django_db
def test_cost_centre_is_unique_per_municipality(fund_admin, municipality, tree,
                                                other_municipality) -> None:
    with pytest.raises(ConflictError, match="3000 används redan"):
        org_unit_create(actor=fund_admin, municipality=municipality, name="X",
                        cost_centre="3000", sector="education")
    # another municipality may use the same code
    org_unit_create(actor=SYSTEM, municipality=other_municipality, name="X", cost_centre="3000",
                    sector="education")


@pytest.mark.django_db
def test_rename_is_audited_with_before_and_after(fund_admin, tree) -> None:
    org_unit_update(actor=fund_admin, unit=tree[2], name="Förskolan Månen")
    assert AuditEvent.objects.get(action="org_unit.updated").changes == {
        "name": ["Förskolan Solen", "Förskolan Månen"]}


@pytest.mark.django_db
def test_units_are_deactivated_with_their_subtree_never_deleted(fund_admin, tree) -> None:
    a, b, c, _d = tree
    org_unit_deactivate(actor=fund_admin, unit=b)
    assert not OrgUnit.objects.get(pk=c.pk).is_active
    assert OrgUnit.objects.get(pk=a.pk).is_active
    assert OrgUnit.objects.count() == 4


@pytest.mark.django_db
def test_a_unit_with_staff_cannot_be_deactivated(fund_admin, tree) -> None:
    EmployeeFactory(unit=tree[2])
    with pytest.raises(ConflictError, match="har fortfarande medarbetare"):
        org_unit_deactivate(actor=fund_admin, unit=tree[2])
    assert OrgUnit.objects.get(pk=tree[2].pk).is_active


@pytest.mark.django_db
def test_only_case_officers_change_the_organisation(viewer, municipality) -> None:
    with pytest.raises(PermissionDenied):
        org_unit_create(actor=viewer, municipality=municipality, name="X", cost_centre="1",
                        sector="education")


@pytest.mark.django_db
def test_case_officer_cannot_change_another_municipality(fund_admin, other_municipality) -> None:
    with pytest.raises(PermissionDenied):
        body_create(actor=fund_admin, municipality=other_municipality, name="KS",
                    kind="executive_board")


@pytest.mark.django_db
def test_paragraph_numbers_count_per_body_and_restart_each_year(fund_admin,
                                                                 municipality) -> None:
    ks = BodyFactory(municipality=municipality, name="Kommunstyrelsen")
    kf = BodyFactory(municipality=municipality, name="Kommunfullmäktige")
    assert [paragraph_take(actor=fund_admin, body=ks, year=2018, text="x")
            for _ in range(3)] == [1, 2, 3]
    assert paragraph_take(actor=fund_admin, body=kf, year=2018, text="x") == 1
    assert paragraph_take(actor=fund_admin, body=ks, year=2019, text="x") == 1
    assert ParagraphCounter.objects.get(body=ks, year=2018).last_number == 3


@pytest.mark.django_db
def test_a_paragraph_as_in_the_real_minutes_is_registered_and_the_next_follows_it(
        fund_admin, municipality) -> None:
    # given a body whose secretary enters § 45 as the minutes have it
    ks = BodyFactory(municipality=municipality, name="Kommunstyrelsen")
    assert paragraph_take(actor=fund_admin, body=ks, year=2026, number=45, text="a") == 45
    # then the next proposed § continues after it, and a gap below can still be used
    assert paragraph_take(actor=fund_admin, body=ks, year=2026, text="b") == 46
    assert paragraph_take(actor=fund_admin, body=ks, year=2026, number=12, text="c") == 12
    assert paragraph_take(actor=fund_admin, body=ks, year=2026, text="d") == 47
    assert list(Paragraph.objects.filter(body=ks).values_list("number", flat=True)) == [
        12, 45, 46, 47]


@pytest.mark.django_db
def test_a_paragraph_used_twice_in_a_year_is_refused_and_writes_nothing(fund_admin,
                                                                        municipality) -> None:
    ks = BodyFactory(municipality=municipality, name="Kommunstyrelsen")
    paragraph_take(actor=fund_admin, body=ks, year=2026, number=7, text="a")
    with pytest.raises(ConflictError, match=r"§ 7 .* redan använd"):
        paragraph_take(actor=fund_admin, body=ks, year=2026, number=7, text="b")
    assert Paragraph.objects.filter(body=ks).count() == 1
    # another year, or another body, may use the same number
    assert paragraph_take(actor=fund_admin, body=ks, year=2027, number=7, text="c") == 7


@pytest.mark.django_db
def test_the_counter_continues_after_items_decided_elsewhere_but_never_goes_back(
        fund_admin, municipality) -> None:
    ks = BodyFactory(municipality=municipality, name="Kommunstyrelsen")
    paragraph_counter_set(actor=fund_admin, body=ks, year=2026, last_number=120)
    assert paragraph_take(actor=fund_admin, body=ks, year=2026, text="a") == 121
    with pytest.raises(ConflictError):
        paragraph_counter_set(actor=fund_admin, body=ks, year=2026, last_number=100)
    assert ParagraphCounter.objects.get(body=ks, year=2026).last_number == 121


@pytest.mark.django_db
def test_only_secretaries_and_case_officers_take_paragraphs(municipality) -> None:
    ks = BodyFactory(municipality=municipality, name="Kommunstyrelsen")
    reviewer = member(municipality, Role.REVIEWER, username="granskaren")
    with pytest.raises(PermissionDenied):
        paragraph_take(actor=reviewer, body=ks, year=2026, text="x")
    with pytest.raises(PermissionDenied):
        paragraph_take(actor=None, body=ks, year=2026, text="x")  # type: ignore[arg-type]


@pytest.mark.django_db
@pytest.mark.usefixtures("ssyk")
def test_swedish_occupation_names_from_scbs_file(fund_admin) -> None:
    from kompetensfond.organisation.models import Occupation

    # the names shipped with the product (all 429 unit groups), updated from SCB's file
    assert Occupation.objects.get(ssyk_code="5311").name_sv == "Barnskötare"
    assert Occupation.objects.filter(ssyk_code__regex=r"^[0-9]{4}$", name_sv="").count() == 0
    content = xlsx_bytes([["1", "Chefsyrken"], ["2512", "Mjukvaruutvecklare (ny benämning)"]],
                         header=["SSYK 2012 kod", "Benämning"])
    assert occupation_names_import(actor=fund_admin, content=content) == 2
    assert Occupation.objects.get(ssyk_code="2512").name_sv == "Mjukvaruutvecklare (ny benämning)"
    assert occupation_names_import(actor=fund_admin, content=content) == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("ssyk")
def test_scb_file_with_unknown_codes_changes_nothing(fund_admin) -> None:
    from kompetensfond.organisation.models import Occupation

    content = csv_bytes([["2512", "Ny"], ["9999", "Påhittad"]], header=["Kod", "Benämning"])
    with pytest.raises(ValidationError, match="9999"):
        occupation_names_import(actor=fund_admin, content=content)
    assert Occupation.objects.get(ssyk_code="2512").name_sv.startswith("Mjukvaru- och system")
