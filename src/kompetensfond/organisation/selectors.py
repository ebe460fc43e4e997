"""Reads for the organisation register, always scoped to the user's municipality."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kompetensfond.core.permissions import (
    check,
    managed_unit_ids,
    municipality_of,
    reads_whole_municipality,
)

from .models import Body, Employee, EmployeeImport, Gender, Occupation, OrgUnit, ParagraphCounter


def _municipality_or_404(user: Any) -> Any:
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    return municipality


def body_list(*, user: Any) -> QuerySet[Body]:
    return Body.objects.filter(municipality=_municipality_or_404(user)).select_related("parent")


def access_body(user: Any, pk: int | str) -> Body:
    return get_object_or_404(body_list(user=user), pk=pk)


def org_unit_list(*, user: Any, include_inactive: bool = False) -> QuerySet[OrgUnit]:
    """All units in tree order (by path) with their responsible body and manager."""
    qs = OrgUnit.objects.filter(municipality=_municipality_or_404(user)).select_related(
        "responsible_body", "manager", "parent"
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("path")


def active_q(prefix: str = "") -> Q:
    """Employees still employed today (no end date, or one today or later)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})


def org_unit_tree(*, user: Any, include_inactive: bool = False) -> list[OrgUnit]:
    """Units in tree order with active headcount by gender, their own (``headcount``,
    ``women`` …) and with their whole subtree (``total``, ``total_women`` …). One query."""
    active = active_q("employees__")
    base = org_unit_list(user=user, include_inactive=include_inactive)
    units: list[OrgUnit] = list(base.annotate(
        headcount=Count("employees", filter=active),
        women=Count("employees", filter=active & Q(employees__gender=Gender.WOMAN)),
        men=Count("employees", filter=active & Q(employees__gender=Gender.MAN)),
        other=Count("employees", filter=active & ~Q(employees__gender__in=[Gender.WOMAN,
                                                                           Gender.MAN])),
    ))
    by_path = {u.path: u for u in units}
    for unit in units:
        unit.total = unit.total_women = unit.total_men = unit.total_other = 0  # type: ignore[attr-defined]
    for unit in units:
        # add the unit's own counts to itself and every ancestor
        parts = unit.path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            ancestor = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if ancestor is None:
                continue
            ancestor.total += unit.headcount  # type: ignore[attr-defined]
            ancestor.total_women += unit.women  # type: ignore[attr-defined]
            ancestor.total_men += unit.men  # type: ignore[attr-defined]
            ancestor.total_other += unit.other  # type: ignore[attr-defined]
    return units


def access_org_unit(user: Any, pk: int | str) -> OrgUnit:
    return get_object_or_404(org_unit_list(user=user, include_inactive=True), pk=pk)


def visible_unit_paths(user: Any) -> list[str] | None:
    """Paths of the subtrees a user may see; None means the whole municipality."""
    if reads_whole_municipality(user):
        return None
    return managed_unit_paths(user)


def managed_unit_paths(user: Any) -> list[str]:
    """Paths of the subtrees a unit manager is responsible for (empty for everyone else)."""
    ids = managed_unit_ids(user)
    if not ids:
        return []
    return list(OrgUnit.objects.filter(pk__in=ids).values_list("path", flat=True))


def subtree_q(paths: list[str], field: str = "unit") -> Q:
    """Rows whose ``field`` (an OrgUnit; "" for OrgUnits themselves) lies in one of the
    subtrees (none: no rows). The one place the manager-subtree rule is written for
    querysets."""
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(**{lookup: path})
    return scope


def manages_unit(user: Any, unit: OrgUnit) -> bool:
    """Whether ``unit`` lies in a subtree the user manages (the rule for one object)."""
    return any(unit.path.startswith(path) for path in managed_unit_paths(user))


def employee_list(
    *, user: Any, search: str = "", unit: OrgUnit | None = None,
    occupation: Occupation | None = None, gender: str = "", status: str = "active",
) -> QuerySet[Employee]:
    """Employees the user may see (a manager: their subtree), filtered; ``unit`` includes
    its subtree; ``status`` is active, ended or all."""
    qs = Employee.objects.filter(municipality=_municipality_or_404(user)).select_related(
        "unit", "occupation"
    )
    paths = visible_unit_paths(user)
    if paths is not None:
        qs = qs.filter(subtree_q(paths))
    if search:
        for word in search.split():
            # SQLite folds case for ASCII only: there, also try the usual spellings of Å/Ä/Ö
            # words (PostgreSQL folds them all: one condition per column is enough)
            match = Q()
            variants = ({word, word.lower(), word.capitalize(), word.upper()}
                        if connection.vendor == "sqlite" else {word})
            for variant in variants:
                match |= (Q(employee_number__icontains=variant)
                          | Q(first_name__icontains=variant) | Q(last_name__icontains=variant)
                          | Q(email__icontains=variant))
            qs = qs.filter(match)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if occupation is not None:
        qs = qs.filter(occupation=occupation)
    if gender:
        qs = qs.filter(gender=gender)
    if status == "active":
        qs = qs.filter(active_q())
    elif status == "ended":
        qs = qs.exclude(active_q())
    return qs.order_by("last_name", "first_name", "employee_number")


def access_employee(user: Any, pk: int | str) -> Employee:
    return get_object_or_404(employee_list(user=user, status="all"), pk=pk)


def occupation_list(*, user: Any, only_staffed: bool = False) -> QuerySet[Occupation]:
    """SSYK 2012 unit groups (four digits) with the municipality's active headcount.

    The headcounts come from one aggregate over the municipality's own employees (index
    ``employee_muni_occupation``) and are attached as constants: a join with the staff
    table, filtered afterwards, read every municipality's register (430 ms for a city on
    the national dataset; this way 20 ms)."""
    municipality = _municipality_or_404(user)
    counts: dict[int, list[int]] = {}
    rows = (Employee.objects.filter(active_q(), municipality=municipality,
                                    occupation__isnull=False)
            .order_by().values_list("occupation", "gender").annotate(n=Count("pk")))
    for occupation, gender, n in rows:
        total = counts.setdefault(occupation, [0, 0, 0])
        total[0] += n
        total[1] += n if gender == Gender.WOMAN else 0
        total[2] += n if gender == Gender.MAN else 0

    def figure(i: int) -> Case:
        return Case(*[When(pk=pk, then=Value(c[i])) for pk, c in counts.items() if c[i]],
                    default=Value(0), output_field=IntegerField())

    qs = Occupation.objects.filter(ssyk_code__regex=r"^[0-9]{4}$").annotate(
        headcount=figure(0), women=figure(1), men=figure(2))
    if only_staffed:
        qs = qs.filter(pk__in=list(counts))
    return qs.order_by("ssyk_code")


def occupation_choices() -> QuerySet[Occupation]:
    return Occupation.objects.filter(ssyk_code__regex=r"^[0-9]{4}$").order_by("ssyk_code")


def employee_import_list(*, user: Any) -> QuerySet[EmployeeImport]:
    """The municipality's staff imports, for its case officers only: their errors and
    previews quote the HR file's rows (personal data)."""
    from .permissions import can_manage_organisation

    municipality = _municipality_or_404(user)
    check(can_manage_organisation(user, municipality))
    return EmployeeImport.objects.filter(municipality=municipality).defer(
        "content").select_related("created_by")


def access_employee_import(user: Any, pk: int | str) -> EmployeeImport:
    return get_object_or_404(employee_import_list(user=user), pk=pk)


def paragraph_last(body: Body, year: int) -> int:
    """The last § number the body has used in ``year`` (0: none yet); the next is one more."""
    counter = ParagraphCounter.objects.filter(body=body, year=year).first()
    return counter.last_number if counter else 0


def employee_of(user: Any) -> Employee | None:
    """The staff-register record of a logged-in employee: the one linked to the login,
    else the one active record of the municipality with the login's e-mail address."""
    municipality = municipality_of(user)
    if municipality is None:
        return None
    linked = Employee.objects.filter(municipality=municipality, user=user).first()
    if linked is not None or not user.email:
        return linked
    matches = list(Employee.objects.filter(municipality=municipality, user__isnull=True,
                                           email__iexact=user.email)[:2])
    return matches[0] if len(matches) == 1 else None
