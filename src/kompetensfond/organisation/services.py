"""Writes for bodies and the organisation tree. Each is a service: permission, lock,
validate, write, audit, in one transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from kompetensfond.audit.services import diff, record_event, snapshot
from kompetensfond.core.actors import Actor
from kompetensfond.core.errors import ConflictError, PermissionDeniedError, ValidationError
from kompetensfond.core.models import Municipality, User
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.services import service

from .codes import AuditAction, ErrorCode
from .models import Body, Employee, Occupation, OrgUnit, Paragraph, ParagraphCounter, UnitKind
from .permissions import can_keep_minutes, can_manage_organisation, can_view_employees

PARAGRAPH_MAX = 100_000  # more than any body's minutes hold in a year

UNIT_FIELDS = ("name", "cost_centre", "sector", "responsible_body", "manager", "parent",
               "is_active")


@service
def body_create(
    *, actor: Actor, municipality: Municipality, name: str, kind: str,
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
    record_event(actor=actor, action=AuditAction.BODY_CREATED, obj=body,
                 changes={"name": name, "kind": kind})
    return body


def _counter(body: Body, year: int) -> ParagraphCounter:
    """The body's counter for ``year``, locked (created first if need be)."""
    ParagraphCounter.objects.get_or_create(body=body, year=year)
    return ParagraphCounter.objects.select_for_update(of=("self",)).get(body=body, year=year)


@service
def paragraph_take(*, actor: Actor, body: Body, year: int, text: str,
                   number: int | None = None) -> int:
    """Register a § of ``body``'s minutes for ``year``: the number the secretary gives (as in
    the real minutes), or the next one after the highest in use. A number already used is
    refused; the counter continues after the highest number taken."""
    check(can_keep_minutes(actor, body.municipality))
    counter = _counter(body, year)
    if number is None:
        number = counter.last_number + 1
    elif not 1 <= number <= PARAGRAPH_MAX:
        message = _("Enter a § number from 1 to %(max)s.") % {"max": PARAGRAPH_MAX}
        raise ValidationError(message, fields={"paragraph": [message]})
    if Paragraph.objects.filter(body=body, year=year, number=number).exists():
        message = _("§ %(number)s of %(body)s %(year)s is already used.") % {
            "number": number, "body": body.name, "year": year}
        raise ConflictError(message, code=ErrorCode.PARAGRAPH_TAKEN,
                            fields={"paragraph": [message]})
    Paragraph.objects.create(body=body, year=year, number=number, text=text[:255])
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])
    record_event(actor=actor, action=AuditAction.PARAGRAPH_TAKEN, obj=body,
                 changes={"year": year, "number": number, "text": text[:255]})
    return number


@service
def paragraph_counter_set(*, actor: Actor, body: Body, year: int, last_number: int) -> int:
    """Let the numbering continue after ``last_number`` (items the body decided outside this
    system). It never goes back below a number already in the register."""
    check(can_keep_minutes(actor, body.municipality))
    counter = _counter(body, year)
    used = Paragraph.objects.filter(body=body, year=year).order_by("-number").first()
    if not 0 <= last_number <= PARAGRAPH_MAX:
        message = _("Enter a § number from 1 to %(max)s.") % {"max": PARAGRAPH_MAX}
        raise ValidationError(message, fields={"last_number": [message]})
    if used is not None and last_number < used.number:
        message = _("§ %(number)s is already used: the numbering cannot go back below it.") % {
            "number": used.number}
        raise ConflictError(message, code=ErrorCode.PARAGRAPH_TAKEN,
                            fields={"last_number": [message]})
    before = counter.last_number
    counter.last_number = last_number
    counter.save(update_fields=["last_number"])
    record_event(actor=actor, action=AuditAction.PARAGRAPH_COUNTER_SET, obj=body,
                 changes={"year": year, "last_number": [before, last_number]})
    return last_number


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
    *, actor: Actor, municipality: Municipality, name: str, cost_centre: str,
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
    record_event(actor=actor, action=AuditAction.ORG_UNIT_CREATED, obj=unit,
                 changes=snapshot(unit, UNIT_FIELDS))
    return unit


@service
def org_unit_update(
    *, actor: Actor, unit: OrgUnit, name: str | None = None,
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
    record_event(actor=actor, action=AuditAction.ORG_UNIT_UPDATED, obj=unit,
                 changes=diff(before, snapshot(unit, UNIT_FIELDS)))
    return unit


@service
def org_unit_deactivate(*, actor: Actor, unit: OrgUnit) -> OrgUnit:
    """Units are never deleted once used; they are deactivated with their subtree."""
    check(can_manage_organisation(actor, unit.municipality))
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.employees.filter(end_date__isnull=True).exists():
        raise ConflictError(_("The unit still has employees. Move or end them first."))
    OrgUnit.objects.filter(path__startswith=unit.path).update(is_active=False)
    unit.is_active = False
    record_event(actor=actor, action=AuditAction.ORG_UNIT_DEACTIVATED, obj=unit,
                 changes={"is_active": [True, False]})
    return unit


@service
def occupation_names_import(*, actor: Actor, content: bytes) -> int:
    """Set the Swedish names of SSYK 2012 codes from SCB's published file (CSV or XLSX).

    The file needs a column whose header contains "kod" (or "code") and one whose header
    contains "benämning" (or "namn", "name", "yrke"); other columns are ignored. Only codes
    of SSYK 2012 (1–4 digits, already in the reference data) are updated. Returns how many
    names changed.
    """
    from .importing.reading import FileReadError, cell_text, read_table

    if actor is not None and not actor.is_superuser:
        municipality = municipality_of(actor)
        if municipality is None:
            raise PermissionDeniedError(_("Your account does not belong to any municipality."))
        check(can_manage_organisation(actor, municipality))
    try:
        table = read_table(content)
    except FileReadError as exc:
        raise ValidationError(str(exc), code=ErrorCode.INVALID_FILE) from exc
    lowered = [h.lower() for h in table.header]
    code_col = next((i for i, h in enumerate(lowered) if "kod" in h or "code" in h), None)
    name_col = next((i for i, h in enumerate(lowered)
                     if any(w in h for w in ("benämning", "namn", "name", "yrke"))
                     and i != code_col), None)
    if code_col is None or name_col is None:
        raise ValidationError(_("The file needs a column for the code and one for the "
                                "Swedish name (benämning)."), code=ErrorCode.INVALID_FILE)
    names: dict[str, str] = {}
    for number, cells in table.rows:
        code = cell_text(cells[code_col]) if code_col < len(cells) else ""
        name = cell_text(cells[name_col]) if name_col < len(cells) else ""
        if code.isdigit() and 1 <= len(code) <= 4 and name:
            names[code] = name[:200]
        elif code:
            raise ValidationError(_("Row %(row)s: %(code)s is not an SSYK 2012 code.")
                                  % {"row": number, "code": code}, code=ErrorCode.INVALID_FILE)
    occupations = list(Occupation.objects.select_for_update().filter(ssyk_code__in=names))
    unknown = sorted(set(names) - {o.ssyk_code for o in occupations})
    if unknown or not names:
        raise ValidationError(_("Codes not in SSYK 2012: %(codes)s")
                              % {"codes": ", ".join(unknown[:10]) or "–"},
                              code=ErrorCode.INVALID_FILE)
    changed = [o for o in occupations if o.name_sv != names[o.ssyk_code]]
    for occupation in changed:
        occupation.name_sv = names[occupation.ssyk_code]
    Occupation.objects.bulk_update(changed, ["name_sv"], batch_size=500)
    record_event(actor=actor, action=AuditAction.OCCUPATION_NAMES_IMPORTED, obj=occupations[0],
                 municipality=municipality_of(actor),
                 changes={"rows": len(names), "changed": len(changed)})
    return len(changed)


@service
def staff_register_read(*, actor: Actor, municipality: Municipality, how: str,
                        filters: dict[str, Any]) -> None:
    """Record that ``actor`` read the staff register (a list page, an export, the API):
    who saw or took personal data, when, and which part (``how``: page, csv, xlsx, api)."""
    check(can_view_employees(actor))
    record_event(actor=actor, action=AuditAction.STAFF_REGISTER_READ, obj=municipality,
                 municipality=municipality,
                 changes={"how": how, **{k: str(v) for k, v in filters.items() if v}})


@service
def employee_login_link(*, actor: Actor, employee: Employee, user: User | None) -> Employee:
    """Link a member's login to their record in the staff register (for their allowance and
    claims), or unlink it (``user=None``). Without a link, the record with the login's
    e-mail address is used (``selectors.employee_of``)."""
    check(can_manage_organisation(actor, employee.municipality))
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if user is not None and municipality_of(user) != employee.municipality:
        raise ValidationError(_("The login belongs to another municipality."),
                              fields={"user": [_("The login belongs to another municipality.")]})
    before = employee.user_id
    if user is not None:  # one record per login: a link elsewhere moves here
        Employee.objects.filter(user=user).exclude(pk=employee.pk).update(user=None)
    employee.user = user
    employee.save(update_fields=["user"])
    record_event(actor=actor, action=AuditAction.EMPLOYEE_LOGIN_LINKED, obj=employee,
                 municipality=employee.municipality,
                 changes={"user": [before, user.pk if user is not None else None]})
    return employee
