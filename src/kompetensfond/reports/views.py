"""Report pages: a chart with the data table beside it, filterable by fund and period,
exportable as XLSX, CSV and PDF."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kompetensfond.core.exports import TABLE_EXPORTS, download, table_download
from kompetensfond.core.pdf import render_pdf
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.requests import AuthenticatedHttpRequest, query_without
from kompetensfond.funds.selectors import fund_list
from kompetensfond.ledger.permissions import can_view_ledger

from .forms import ReportFilterForm
from .selectors import dimension_labels, distribution, gender_report, report_funds

EXPORTS = (*TABLE_EXPORTS, "pdf")


def _filters(request: AuthenticatedHttpRequest, with_by: bool = True) -> tuple[Any, dict[str, Any]]:
    check(can_view_ledger(request.user))
    form = ReportFilterForm(request.GET or None, funds=fund_list(user=request.user),
                            with_by=with_by)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    check(can_view_ledger(request.user))
    return render(request, "reports/index.html", {"dimensions": dimension_labels()})


@login_required
def distribution_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    by = filters.get("by") or "administration"
    report = distribution(report_funds(request.user, filters.get("fund")), by,
                          start=filters.get("start"), end=filters.get("end"))
    label = dimension_labels()[by]
    export = request.GET.get("export")
    if export in EXPORTS:
        header = [label.lower(), "beviljat", "utbetalt", "andel_av_beviljat_procent"]
        rows = [[r.label, r.granted, r.paid, r.share if r.share is not None else ""]
                for r in report.rows]
        name = f"fordelning-{by}"
        if export == "pdf":
            return download(render_pdf("reports/pdf/distribution.html", {
                "report": report, "label": label, "filters": filters,
                "municipality": municipality_of(request.user)}),
                filename=f"{name}.pdf", kind="pdf")
        return table_download(export, header, rows, name=name, sheet="Fördelning")
    chart = {"labels": [r.label for r in report.rows],
             "series": [{"label": _("Granted"), "data": [str(r.granted) for r in report.rows]},
                        {"label": _("Paid"), "data": [str(r.paid) for r in report.rows]}]}
    return render(request, "reports/distribution.html", {
        "form": form, "report": report, "label": label, "chart": chart,
        "query": query_without(request, "export")})


@login_required
def gender_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request, with_by=False)
    rows = gender_report(request.user, report_funds(request.user, filters.get("fund")))
    export = request.GET.get("export")
    if export in TABLE_EXPORTS:
        header = ["kön", "deltagare_planerade", "slutförde", "anställda",
                  "andel_av_deltagarna_procent", "andel_av_de_anställda_procent"]
        return table_download(export, header, [
            [r.label, r.planned, r.finished, r.workforce, r.planned_share or "",
             r.workforce_share or ""] for r in rows], name="deltagare-per-kon", sheet="Kön")
    chart = {"labels": [r.label for r in rows],
             "series": [{"label": _("Share of participants (%)"),
                         "data": [str(r.planned_share or 0) for r in rows]},
                        {"label": _("Share of staff (%)"),
                         "data": [str(r.workforce_share or 0) for r in rows]}]}
    return render(request, "reports/gender.html", {"form": form, "rows": rows, "chart": chart,
                                                   "query": query_without(request, "export")})
