"""Reads for the organisation register, always scoped to the user's municipality."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kompetensfond.core.permissions import (
    managed_unit_ids,
    municipality_of,
    reads_whole_municipality,
)

from .models import Body, Employee, Gender, OrgUnit


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


def org_unit_tree(*, user: Any) -> QuerySet[OrgUnit]:
    """Units with their own active headcount split by gender (one query)."""
    active = Q(employees__end_date__isnull=True)
    return org_unit_list(user=user).annotate(
        headcount=Count("employees", filter=active),
        women=Count("employees", filter=active & Q(employees__gender=Gender.WOMAN)),
        men=Count("employees", filter=active & Q(employees__gender=Gender.MAN)),
        other=Count("employees", filter=active & Q(employees__gender=Gender.OTHER)),
        unknown=Count("employees", filter=active & Q(employees__gender=Gender.UNKNOWN)),
    )


def access_org_unit(user: Any, pk: int | str) -> OrgUnit:
    return get_object_or_404(org_unit_list(user=user, include_inactive=True), pk=pk)


def visible_unit_paths(user: Any) -> list[str] | None:
    """Paths of the subtrees a user may see; None means the whole municipality."""
    if reads_whole_municipality(user):
        return None
    ids = managed_unit_ids(user)
    return list(OrgUnit.objects.filter(pk__in=ids).values_list("path", flat=True))


def employee_list(*, user: Any) -> QuerySet[Employee]:
    qs = Employee.objects.filter(municipality=_municipality_or_404(user)).select_related(
        "unit", "occupation"
    )
    paths = visible_unit_paths(user)
    if paths is not None:
        scope = Q(pk__in=[])
        for path in paths:
            scope |= Q(unit__path__startswith=path)
        qs = qs.filter(scope)
    return qs
