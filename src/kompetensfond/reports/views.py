"""Report pages: a chart with the data table beside it, filterable by fund and period,
exportable as XLSX, CSV and PDF."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.exports import TABLE_EXPORTS, download, table_download
from kompetensfond.core.money import format_amount
from kompetensfond.core.pdf import render_pdf
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.replica import reads_from_replica
from kompetensfond.core.requests import (
    AuthenticatedHttpRequest,
    own_municipality,
    query_without,
)
from kompetensfond.funds.selectors import fund_list
from kompetensfond.ledger.permissions import can_view_ledger

from .forms import ReportFilterForm, SavedScenarioForm, ScenarioForm, scenario_form
from .models import SavedScenario
from .scenario import ScenarioSpec, allowance_scenario
from .selectors import (
    PerEmployeeRow,
    SplitRow,
    UptakeRow,
    central_and_units,
    decision_register,
    dimension_labels,
    distribution,
    forecast,
    gender_report,
    per_employee,
    percent_of,
    register_rows,
    report_funds,
    uptake,
)
from .services import scenario_delete, scenario_save
from .tables import COUNT, DATE, MONEY, PERCENT, TIMES, Column, Table

EXPORTS = (*TABLE_EXPORTS, "pdf")


def _filters(request: AuthenticatedHttpRequest, by_choices: list[tuple[str, str]] | None = None,
             one_fund: bool = False) -> tuple[Any, dict[str, Any]]:
    check(can_view_ledger(request.user))
    form = ReportFilterForm(request.GET or None, funds=fund_list(user=request.user),
                            by_choices=by_choices, one_fund=one_fund)
    return form, (form.cleaned_data if form.is_valid() else {})


def _filters_by_area(request: AuthenticatedHttpRequest) -> tuple[Any, dict[str, Any], str]:
    """The filters of a report grouped per administration or per sector, and the grouping."""
    form, filters = _filters(request, [("administration", _("Administration")),
                                       ("sector", _("Sector"))])
    return form, filters, filters.get("by") or "administration"


@login_required
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    check(can_view_ledger(request.user))
    return render(request, "reports/index.html", {"dimensions": dimension_labels()})


@login_required
@reads_from_replica
def distribution_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request, list(dimension_labels().items()))
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
             "series": [{"label": pgettext("amount", "Granted"),
                         "data": [str(r.granted) for r in report.rows]},
                        {"label": _("Paid"), "data": [str(r.paid) for r in report.rows]}]}
    return render(request, "reports/distribution.html", {
        "form": form, "report": report, "label": label, "chart": chart,
        "query": query_without(request, "export")})


@login_required
@reads_from_replica
def gender_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
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


def table_response(request: AuthenticatedHttpRequest, table: Table, *, form: Any,
                    filters: dict[str, Any], name: str, intro: str = "",
                    page: Any = None, export_rows: Any = None,
                   extra: dict[str, Any] | None = None) -> HttpResponse:
    """The report as a page (chart and table), or, by ``export``, as CSV, XLSX or PDF.
    ``export_rows`` builds every row for a paginated report's exports."""
    export = request.GET.get("export")
    if export in EXPORTS and export_rows is not None:
        table.rows, table.footer = export_rows(), None
    if export in TABLE_EXPORTS:
        return table_download(export, table.header, table.export_rows(), name=name,
                              sheet=table.title)
    if export == "pdf":
        return download(render_pdf("reports/pdf/table.html", {
            "table": table, "filters": filters,
            "municipality": municipality_of(request.user)}), filename=f"{name}.pdf", kind="pdf")
    return render(request, "reports/table_report.html", {
        "table": table, "form": form, "intro": intro, "page": page,
        "query": query_without(request, "export", "page"), **(extra or {})})


@login_required
@reads_from_replica
def uptake_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    report = uptake(request.user, report_funds(request.user, filters.get("fund")),
                    start=filters.get("start"), end=filters.get("end"))

    def row(r: UptakeRow) -> list[Any]:
        return [r.label, r.units, r.applied, r.applied_share, r.granted, r.granted_share]

    table = Table(
        title=_("Uptake: who applied and who got money"),
        caption=_("Units per administration that applied and that were granted money"),
        columns=[Column(_("Administration"), "förvaltning"),
                 Column(_("Units"), "enheter", COUNT),
                 Column(_("Applied"), "har_sökt", COUNT),
                 Column(_("Share that applied"), "andel_som_sökt_procent", PERCENT),
                 Column(_("Got money"), "har_fått_medel", COUNT),
                 Column(_("Share that got money"), "andel_som_fått_medel_procent", PERCENT)],
        rows=[row(r) for r in report.rows], footer=row(report.units),
        summary=[(_("Administrations that applied"), report.administrations.applied_share,
                  PERCENT),
                 (_("Administrations that got money"), report.administrations.granted_share,
                  PERCENT),
                 (_("Units that applied"), report.units.applied_share, PERCENT),
                 (_("Units that got money"), report.units.granted_share, PERCENT)],
        chart={"labels": [r.label for r in report.rows], "series": [
            {"label": _("Share that applied (%)"),
             "data": [str(r.applied_share or 0) for r in report.rows]},
            {"label": _("Share that got money (%)"),
             "data": [str(r.granted_share or 0) for r in report.rows]}]},
        chart_unit=PERCENT)
    return table_response(request, table, form=form, filters=filters, name="genomslag",
                           intro=_("An administration counts itself and its units; a unit "
                                   "has applied when it sent an application in the period."))


@login_required
@reads_from_replica
def central_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters, by = _filters_by_area(request)
    report = central_and_units(report_funds(request.user, filters.get("fund")),
                               start=filters.get("start"), end=filters.get("end"))
    groups = report.sectors if by == "sector" else report.administrations

    def row(r: SplitRow) -> list[Any]:
        return [r.label, r.central, r.units, r.total, r.unit_share]

    label = _("Sector") if by == "sector" else _("Administration")
    table = Table(
        title=_("Central projects and units"),
        caption=_("Granted money used centrally by each administration and money to its "
                  "units"),
        columns=[Column(label, "sektor" if by == "sector" else "förvaltning"),
                 Column(_("Central (the administration itself)"), "centralt", MONEY),
                 Column(_("To units"), "till_enheter", MONEY),
                 Column(_("Total"), "totalt", MONEY),
                 Column(_("Share to units"), "andel_till_enheter_procent", PERCENT)],
        rows=[row(r) for r in groups], footer=row(report.total),
        summary=[(pgettext("amount", "Granted"), report.granted, MONEY),
                 (_("Organisation-wide projects"), report.organisation_wide, MONEY),
                 (_("Central in administrations"), report.total.central, MONEY),
                 (_("To units"), report.total.units, MONEY)],
        chart={"labels": [r.label for r in groups], "series": [
            {"label": _("Central"), "data": [str(r.central) for r in groups]},
            {"label": _("To units"), "data": [str(r.units) for r in groups]}]})
    return table_response(request, table, form=form, filters=filters,
                           name=f"centralt-och-enheter-{by}",
                           intro=_("Money booked on an administration itself is a central "
                                   "project of that administration; money booked on no unit "
                                   "is an organisation-wide project."))


@login_required
@reads_from_replica
def per_employee_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters, by = _filters_by_area(request)
    rows, total = per_employee(request.user, report_funds(request.user, filters.get("fund")),
                               by, start=filters.get("start"), end=filters.get("end"))

    def row(r: PerEmployeeRow) -> list[Any]:
        return [r.label, r.employees, r.granted, r.per_employee]

    table = Table(
        title=_("Money per employee"),
        caption=_("Granted money per employee in the staff register"),
        columns=[Column(_("Sector") if by == "sector" else _("Administration"),
                        "sektor" if by == "sector" else "förvaltning"),
                 Column(_("Employees"), "anställda", COUNT),
                 Column(pgettext("amount", "Granted"), "beviljat", MONEY),
                 Column(_("Per employee"), "per_anställd", MONEY)],
        rows=[row(r) for r in rows], footer=row(total),
        chart={"labels": [r.label for r in rows], "series": [
            {"label": _("Per employee"), "data": [str(r.per_employee or 0) for r in rows]}]})
    return table_response(request, table, form=form, filters=filters,
                           name=f"medel-per-anstalld-{by}",
                           intro=_("Active employees in the staff register today; "
                                   "organisation-wide projects count only in the total."))


@login_required
@reads_from_replica
def forecast_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request, one_fund=True)
    today = timezone.localdate()
    fund = filters.get("fund") or fund_list(user=request.user).order_by(
        F("status").desc(), "-end_date", "pk").first()  # "open" sorts after "closed"
    if fund is None:
        return render(request, "reports/table_report.html", {
            "table": Table(_("Forecast"), "", [], []), "form": form})
    report = forecast(fund, today=today)
    table = Table(
        title=_("Forecast: %(fund)s") % {"fund": fund.name},
        caption=_("Available and paid money at the end of each month, and the available "
                  "money at the current pace"),
        columns=[Column(_("Month"), "månad"), Column(_("Available"), "tillgängligt", MONEY),
                 Column(_("Paid"), "utbetalt", MONEY),
                 Column(_("Forecast: available"), "prognos_tillgängligt", MONEY)],
        rows=[[m.month.strftime("%Y-%m"), m.available, m.paid, m.projected]
              for m in report.months],
        summary=[(_("Capital"), report.capital, MONEY),
                 (_("Paid"), report.paid, MONEY),
                 (_("Granted, not paid"), report.committed, MONEY),
                 (_("Available"), report.available, MONEY),
                 (_("Proposed for a grant, awaiting decision"), report.proposed, MONEY),
                 (_("Available after the proposed grants"), report.after_pipeline, MONEY),
                 (_("Asked for in applications under review"), report.in_review, MONEY),
                 (_("Granted per month (pace)"), report.pace, MONEY),
                 (_("The money runs out"), report.runs_out or _("not before the fund ends"),
                  DATE),
                 (_("Left at the fund's end at this pace"), report.left_at_end, MONEY)],
        notes=[_("The pace is what was granted, net of what came back, per month since "
                 "%(start)s (%(n)s months). The fund ends %(end)s.") % {
            "start": report.pace_from.strftime("%Y-%m"),
            "n": format_amount(report.pace_months, decimals=1),
            "end": fund.end_date.isoformat()}],
        chart={"labels": [m.month.strftime("%Y-%m") for m in report.months], "series": [
            {"label": _("Available"), "data": [_num(m.available) for m in report.months]},
            {"label": _("Paid"), "data": [_num(m.paid) for m in report.months]},
            {"label": _("Forecast: available"),
             "data": [_num(m.projected) for m in report.months]}]},
        chart_type="line")
    return table_response(request, table, form=form, filters={"fund": fund},
                           name=f"prognos-fond-{fund.pk}")


def _num(value: Any) -> str | None:
    return None if value is None else str(value)


REGISTER_PAGE = 50


@login_required
@reads_from_replica
def auditor_register_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    funds = report_funds(request.user, filters.get("fund"))
    decisions = decision_register(funds, start=filters.get("start"), end=filters.get("end"))
    # a page is found among the ids alone (the index on decided_on and id), then only its
    # rows are read with their joins: a deep page no longer sorts and skips joined rows
    page = Paginator(decisions.values_list("pk", flat=True), REGISTER_PAGE).get_page(
        request.GET.get("page"))
    page_rows = decisions.filter(pk__in=list(page.object_list))

    def rows(chunk: Any) -> list[list[Any]]:
        return [[r.case_number, r.title, r.administration, r.unit, r.decided_on, r.decided_by,
                 r.paragraph, r.outcome, r.granted, r.paid, r.returned, r.status, r.remarks]
                for r in register_rows(chunk, funds)]

    table = Table(
        title=_("Register of decisions for auditors"),
        caption=_("Every decision with its body or delegate, §, money and follow-up"),
        columns=[Column(_("Case number"), "diarienummer"), Column(_("Title"), "rubrik"),
                 Column(_("Administration"), "förvaltning"), Column(_("Unit"), "enhet"),
                 Column(_("Decided on"), "beslutsdatum", DATE),
                 Column(_("Decided by"), "beslutsfattare"), Column(_("§"), "paragraf"),
                 Column(_("Decision"), "beslut"),
                 Column(pgettext("amount", "Granted"), "beviljat", MONEY),
                 Column(_("Paid"), "utbetalt", MONEY),
                 Column(_("Returned"), "återbetalt", MONEY),
                 Column(_("Status"), "status"),
                 Column(_("Remarks at submission"), "anmärkningar")],
        rows=rows(page_rows))
    return table_response(request, table, form=form, filters=filters, name="beslutsregister",
                           page=page, export_rows=lambda: rows(decisions))


@login_required
@reads_from_replica
def scenario_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The allowance simulator: a proposal's cost, whom it reaches, and how it compares
    with the fund and with what the target group has received so far."""
    check(can_view_ledger(request.user))
    municipality = own_municipality(request.user)
    funds = fund_list(user=request.user)
    form = ScenarioForm(request.GET or None, municipality=municipality, funds=funds,
                        initial={"amount": Decimal("10000.00")})
    if not form.is_bound or not form.is_valid():
        return render(request, "reports/scenario.html", {"form": form})
    data = form.cleaned_data
    spec = scenario_spec(data)
    report = allowance_scenario(request.user, report_funds(request.user, data["fund"]), spec)
    genders = ((_("Women"), report.by_gender["woman"]), (_("Men"), report.by_gender["man"]),
               (_("Other or not stated"), report.by_gender["other"]))
    table = Table(
        title=_("Allowance simulator"),
        caption=_("Eligible employees by gender"),
        columns=[Column(_("Gender"), "kön"), Column(_("Employees"), "anställda", COUNT),
                 Column(_("Share"), "andel_procent", PERCENT)],
        rows=[[label, n, percent_of(n, report.employees)] for label, n in genders],
        footer=[_("Total"), report.employees, Decimal(100) if report.employees else None],
        summary=[
            (_("Eligible employees"), report.employees, COUNT),
            (_("Cost per year"), report.per_year, MONEY),
            (_("Cost for %(n)s years") % {"n": spec.years} if spec.years > 1
             else _("Cost for the year"), report.total, MONEY),
            (_("Share of the fund's capital"), report.share_of_capital, PERCENT),
            (_("Share of the money still available"), report.share_of_available, PERCENT),
            (_("Granted so far to the group's sectors (%(sectors)s)")
             % {"sectors": ", ".join(report.sectors) or "–"}, report.group_granted, MONEY),
            (_("The proposal costs, times what the group's sectors got"),
             report.times_group_granted, TIMES),
            (_("Granted so far per employee of the organisation"),
             report.per_employee_so_far, MONEY)],
        chart=None)
    return table_response(request, table, form=form, filters={"fund": data["fund"]},
                          name="scenario-kompetensutvecklingspeng",
                          intro=_("A proposal of an individual allowance, against the staff "
                                  "register (employed today) and the fund's ledger. Nothing "
                                  "is reserved; save the proposal to compare it with others."),
                          extra={"scenario_query": query_without(request, "export", "page"),
                                 "save_form": SavedScenarioForm()})


def scenario_spec(data: dict[str, Any]) -> ScenarioSpec:
    return ScenarioSpec(amount=data["amount"], years=data["years"],
                        occupations=list(data["occupations"]),
                        administrations=list(data["administrations"]),
                        min_rate=data["min_rate"] or Decimal(0), prorate=data["prorate"])


@login_required
@require_POST
def scenario_save_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SavedScenarioForm(request.POST)
    query = request.POST.get("query", "")[:2000]
    if not form.is_valid():
        messages.error(request, _("Give the proposal a name (at most 120 characters)."))
        return redirect(f"{reverse('reports:scenario')}?{query}")
    try:
        scenario_save(actor=request.user, name=form.cleaned_data["name"], query=query)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('reports:scenario')}?{query}")
    messages.success(request, _("The proposal has been saved."))
    return redirect("reports:scenario-compare")


@login_required
@require_POST
def scenario_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    check(can_view_ledger(request.user))
    scenario = get_object_or_404(SavedScenario, pk=pk,
                                 municipality=own_municipality(request.user))
    scenario_delete(actor=request.user, scenario=scenario)
    messages.success(request, _("The proposal has been deleted."))
    return redirect("reports:scenario-compare")


@login_required
@reads_from_replica
def scenario_compare_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The saved proposals side by side, each figured against today's staff register and
    ledger; as a page, or a PDF for the decision basis, XLSX or CSV."""
    check(can_view_ledger(request.user))
    saved = list(SavedScenario.objects.filter(municipality=own_municipality(request.user)))
    rows: list[list[Any]] = []
    for scenario in saved:
        form = scenario_form(request.user, scenario.query)
        if not form.is_valid():  # an occupation or fund gone since: shown, not figured
            rows.append([scenario.name, *([None] * 9)])
            continue
        data = form.cleaned_data
        report = allowance_scenario(request.user, report_funds(request.user, data["fund"]),
                                    scenario_spec(data))
        rows.append([scenario.name, report.employees, report.by_gender["woman"],
                     report.by_gender["man"], report.per_year, report.total,
                     report.share_of_capital, report.share_of_available, report.group_granted,
                     report.times_group_granted])
    table = Table(
        title=_("Allowance proposals side by side"),
        caption=_("Saved proposals, figured against today's staff register and ledger"),
        columns=[Column(_("Proposal"), "förslag"), Column(_("Employees"), "anställda", COUNT),
                 Column(_("Women"), "kvinnor", COUNT), Column(_("Men"), "män", COUNT),
                 Column(_("Cost per year"), "kostnad_per_år", MONEY),
                 Column(_("Cost in all"), "kostnad_totalt", MONEY),
                 Column(_("Share of the fund's capital"), "andel_av_kapital", PERCENT),
                 Column(_("Share of the money still available"), "andel_av_tillgängligt",
                        PERCENT),
                 Column(_("Granted so far to the group's sectors"), "beviljat_gruppen", MONEY),
                 Column(_("Times what the group got"), "gånger_gruppens", TIMES)],
        rows=rows,
        chart={"labels": [r[0] for r in rows],
               "datasets": [{"label": _("Cost in all"),
                             "data": [str(r[5]) if r[5] is not None else None
                                      for r in rows]}]} if rows else None)
    return table_response(request, table, form=None, filters={},
                          name="forslag-kompetensutvecklingspeng",
                          intro=_("Each proposal is figured again from today's staff register "
                                  "and ledger. Save proposals from the allowance simulator."),
                          extra={"saved_scenarios": saved})
