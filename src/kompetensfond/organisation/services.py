"""Writes for bodies and the organisation tree. Each is a service: permission, lock,
validate, write, audit, in one transaction."""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from kompetensfond.audit.services import diff, record_event, snapshot
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Municipality, User
from kompetensfond.core.permissions import check
from kompetensfond.core.services import service

from .models import Body, OrgUnit, ParagraphCounter, UnitKind
from .permissions import can_manage_organisation

UNIT_FIELDS = ("name", "cost_centre", "sector", "responsible_body", "manager", "parent",
               "is_active")


@service
def body_create(
    *, actor: User | None, municipality: Municipality, name: str, kind: str,
    short_name: str = "", parent: Body | None = None,
) -> Body:
    check(can_manage_organisation(actor, municipality))
    name = name.strip()
    if not name:
        raise ValidationError(_("Enter a name."), fields={"name": [_("Enter a name.")]})
    if parent is not None and parent.municipality_id != municipality.pk:
        raise ValidationError(_("The parent body belongs to another municipality."))
    if Body.objects.filter(municipality=municipality, name=name).exists():
        raise ConflictError(_("A body with that name already exists."))
    body = Body.objects.create(
        municipality=municipality, name=name, kind=kind, short_name=short_name, parent=parent
    )
    record_event(actor=actor, action="body.created", obj=body,
                 changes={"name": name, "kind": kind})
    return body


@service
def paragraph_next(*, actor: User | None, body: Body, year: int) -> int:
    """Take the next § number of ``body`` for ``year`` (locks the counter; never reused)."""
    counter, _created = ParagraphCounter.objects.get_or_create(body=body, year=year)
    counter = ParagraphCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    record_event(actor=actor, action="body.paragraph_taken", obj=body,
                 changes={"year": year, "number": counter.last_number})
    return counter.last_number


def _check_cost_centre(municipality: Municipality, cost_centre: str, exclude: int | None) -> str:
    cost_centre = cost_centre.strip()
    if not cost_centre:
        raise ValidationError(_("Enter a cost centre."),
                              fields={"cost_centre": [_("Enter a cost centre.")]})
    clash = OrgUnit.objects.filter(municipality=municipality, cost_centre=cost_centre)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ConflictError(
            _("Cost centre %(code)s is already used by another unit.") % {"code": cost_centre}
        )
    return cost_centre


@service
def org_unit_create(
    *, actor: User | None, municipality: Municipality, name: str, cost_centre: str,
    sector: str, parent: OrgUnit | None = None, responsible_body: Body | None = None,
    manager: User | None = None,
) -> OrgUnit:
    check(can_manage_organisation(actor, municipality))
    if parent is not None and parent.municipality_id != municipality.pk:
        raise ValidationError(_("The parent unit belongs to another municipality."))
    if responsible_body is not None and responsible_body.municipality_id != municipality.pk:
        raise ValidationError(_("The body belongs to another municipality."))
    cost_centre = _check_cost_centre(municipality, cost_centre, None)
    unit = OrgUnit.objects.create(
        municipality=municipality, parent=parent, name=name.strip(), cost_centre=cost_centre,
        sector=sector, kind=UnitKind.UNIT if parent else UnitKind.ADMINISTRATION,
        responsible_body=responsible_body or (parent.responsible_body if parent else None),
        manager=manager, depth=(parent.depth + 1) if parent else 0,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    record_event(actor=actor, action="org_unit.created", obj=unit,
                 changes=snapshot(unit, UNIT_FIELDS))
    return unit


@service
def org_unit_update(
    *, actor: User | None, unit: OrgUnit, name: str | None = None,
    cost_centre: str | None = None, sector: str | None = None,
    responsible_body: Body | None = None, manager: User | None = None,
    parent: OrgUnit | None = None, move: bool = False,
) -> OrgUnit:
    """Rename, re-tag or move a unit (``move=True`` with ``parent``; None = top level)."""
    check(can_manage_organisation(actor, unit.municipality))
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    if name is not None:
        if not name.strip():
            raise ValidationError(_("Enter a name."), fields={"name": [_("Enter a name.")]})
        unit.name = name.strip()
    if cost_centre is not None:
        unit.cost_centre = _check_cost_centre(unit.municipality, cost_centre, unit.pk)
    if sector is not None:
        unit.sector = sector
    if responsible_body is not None:
        unit.responsible_body = responsible_body
    if manager is not None:
        unit.manager = manager
    old_path = unit.path
    if move:
        if parent is not None:
            if parent.municipality_id != unit.municipality_id:
                raise ValidationError(_("The parent unit belongs to another municipality."))
            if parent.path.startswith(unit.path):
                raise ValidationError(_("A unit cannot be moved below itself."))
        unit.parent = parent
        unit.kind = UnitKind.UNIT if parent else UnitKind.ADMINISTRATION
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = (parent.depth + 1) if parent else 0
    unit.save()
    if move and old_path != unit.path:
        depth_change = unit.depth - (old_path.count("/") - 2)
        OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_change,
        )
    record_event(actor=actor, action="org_unit.updated", obj=unit,
                 changes=diff(before, snapshot(unit, UNIT_FIELDS)))
    return unit


@service
def org_unit_deactivate(*, actor: User | None, unit: OrgUnit) -> OrgUnit:
    """Units are never deleted once used; they are deactivated with their subtree."""
    check(can_manage_organisation(actor, unit.municipality))
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.employees.filter(end_date__isnull=True).exists():
        raise ConflictError(_("The unit still has employees. Move or end them first."))
    OrgUnit.objects.filter(path__startswith=unit.path).update(is_active=False)
    unit.is_active = False
    record_event(actor=actor, action="org_unit.deactivated", obj=unit,
                 changes={"is_active": [True, False]})
    return unit
