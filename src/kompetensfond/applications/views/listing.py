"""The application list: search, filters and sorting in the URL, pages, and the filtered
list as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kompetensfond.core.exports import TABLE_EXPORTS, table_download
from kompetensfond.core.models import Role
from kompetensfond.core.pagination import page_by_ids
from kompetensfond.core.permissions import check, has_role, municipality_of
from kompetensfond.core.requests import AuthenticatedHttpRequest, query_without
from kompetensfond.core.response_cache import cached_page
from kompetensfond.funds.permissions import can_view_funds
from kompetensfond.funds.selectors import fund_list
from kompetensfond.organisation.selectors import body_list, org_unit_list
from kompetensfond.plans.models import ApplicationRound, Strategy

from ..forms import ApplicationFilterForm
from ..models import Application
from ..selectors import application_list, application_search

PER_PAGE = 50
EXPORT_HEADER = ["id", "titel", "fond", "enhet", "kostnadsställe", "status", "inskickad",
                 "sökt_belopp", "beslut", "beviljat_belopp", "beslutat", "beslutat_av", "paragraf",
                 "diarienummer", "kvinnor", "män", "annat"]


def _export_rows(applications: Iterable[Application]) -> Iterator[list[Any]]:
    for a in applications:
        decision = getattr(a, "decision", None)
        decided_by = ""
        if decision is not None:
            decided_by = (decision.delegate.display_name if decision.delegate
                          else decision.body.name if decision.body else "")
        yield [a.pk, a.title, a.fund.name, a.unit.name, a.unit.cost_centre,
               a.get_status_display(),
               timezone.localtime(a.submitted_at).date() if a.submitted_at else "",
               a.requested, decision.get_outcome_display() if decision else "",  # type: ignore[attr-defined]
               decision.amount if decision else "", decision.decided_on if decision else "",
               decided_by, decision.paragraph or "" if decision else "",
               decision.case_number if decision else "", a.participants_women,
               a.participants_men, a.participants_other]


@login_required
@cached_page
def application_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    check(can_view_funds(request.user))
    funds = fund_list(user=request.user)
    form = ApplicationFilterForm(
        request.GET or None, funds=funds,
        rounds=ApplicationRound.objects.filter(guideline__fund__in=funds)
        .select_related("guideline__fund").order_by("-opens_at"),
        units=org_unit_list(user=request.user),
        strategies=Strategy.objects.filter(plan__municipality=municipality_of(request.user))
        .select_related("plan").order_by("plan__title", "code"),
        bodies=body_list(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    applications = application_search(application_list(user=request.user), filters,
                                      municipality_of(request.user))
    export = request.GET.get("export")
    if export in TABLE_EXPORTS:
        rows = _export_rows(applications.select_related(
            "decision", "decision__body", "decision__delegate").iterator(chunk_size=2000))
        return table_download(export, EXPORT_HEADER, rows, name="ansokningar",
                              sheet="Ansökningar")
    page = page_by_ids(applications, PER_PAGE, request.GET.get("page"),
                       rows=application_list(user=request.user))
    return render(request, "applications/application_list.html", {
        "form": form, "page": page, "query": query_without(request, "page", "export"),
        "sort_query": query_without(request, "page", "export", "sort"),
        "sort": filters.get("sort") or "",
        "filtered": bool(request.GET.get("q")) or any(
            v for k, v in filters.items() if k not in ("sort", "q")),
        "can_apply": has_role(request.user, Role.FUND_ADMIN, Role.UNIT_MANAGER),
    })
