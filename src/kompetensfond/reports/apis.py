"""API: ``reports/distribution?fund=&by=&start=&end=``, ``reports/gender?fund=``,
``reports/uptake?fund=&start=&end=``, ``reports/central?fund=&start=&end=``,
``reports/forecast?fund=`` and the public ``public/{municipality}/register``."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kompetensfond.core.api_support import id_param
from kompetensfond.core.models import Municipality
from kompetensfond.core.money import as_api_string
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.replica import ReplicaReportsMixin
from kompetensfond.funds.selectors import fund_list
from kompetensfond.ledger.permissions import can_view_ledger

from .public import PublicThrottle, register_rows
from .selectors import (
    DIMENSIONS,
    UptakeRow,
    central_and_units,
    distribution,
    forecast,
    gender_report,
    report_funds,
    uptake,
)


def _funds(request: Request) -> Any:
    check(can_view_ledger(request.user))
    fund_id = id_param(request.query_params, "fund")
    fund = get_object_or_404(fund_list(user=request.user), pk=fund_id) if fund_id else None
    return report_funds(request.user, fund)


def _date(request: Request, name: str) -> Any:
    value = request.query_params.get(name)
    if not value:
        return None
    field = serializers.DateField()
    try:
        return field.to_internal_value(value)
    except serializers.ValidationError as exc:
        raise exceptions.ValidationError({name: exc.detail}) from exc


Row = inline_serializer("DistributionRow", {
    "label": serializers.CharField(), "granted": serializers.CharField(),
    "paid": serializers.CharField(), "share": serializers.CharField(allow_null=True)},
    many=True)


class DistributionApi(ReplicaReportsMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("by", str, enum=list(DIMENSIONS), required=True),
                    OpenApiParameter("fund", int), OpenApiParameter("start", str),
                    OpenApiParameter("end", str)],
        responses=inline_serializer("Distribution", {
            "by": serializers.CharField(), "granted": serializers.CharField(),
            "paid": serializers.CharField(), "overlapping": serializers.BooleanField(),
            "rows": Row}))
    def get(self, request: Request) -> Response:
        """Granted and paid money per ``by``, from the ledger: the rows add up to the
        ledger's committed + paid (for strategy and occupation a grant counts in each of
        its groups, ``overlapping``)."""
        by = request.query_params.get("by") or ""
        if by not in DIMENSIONS:
            raise exceptions.ValidationError(
                {"by": [f"Välj en av: {', '.join(DIMENSIONS)}."]})
        report = distribution(_funds(request), by, start=_date(request, "start"),
                              end=_date(request, "end"))
        return Response({
            "by": by, "granted": as_api_string(report.granted),
            "paid": as_api_string(report.paid), "overlapping": report.overlapping,
            "rows": [{"label": r.label, "granted": as_api_string(r.granted),
                      "paid": as_api_string(r.paid),
                      "share": str(r.share) if r.share is not None else None}
                     for r in report.rows]})


class GenderApi(ReplicaReportsMixin, APIView):
    @extend_schema(parameters=[OpenApiParameter("fund", int)],
                   responses=inline_serializer("GenderRow", {
                       "label": serializers.CharField(), "planned": serializers.IntegerField(),
                       "finished": serializers.IntegerField(),
                       "workforce": serializers.IntegerField()}, many=True))
    def get(self, request: Request) -> Response:
        """Participants of granted applications by gender (planned; finished per accepted
        final reports) against the gender split of the staff."""
        rows = gender_report(request.user, _funds(request))
        return Response([{"label": r.label, "planned": r.planned, "finished": r.finished,
                          "workforce": r.workforce} for r in rows])


def _money(value: Any) -> str | None:
    return None if value is None else as_api_string(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _uptake_row(row: UptakeRow) -> dict[str, Any]:
    return {"label": row.label, "units": row.units, "applied": row.applied,
            "granted": row.granted, "applied_share": _text(row.applied_share),
            "granted_share": _text(row.granted_share)}


def _uptake_schema(name: str, many: bool = False) -> Any:
    return inline_serializer(name, {
        "label": serializers.CharField(), "units": serializers.IntegerField(),
        "applied": serializers.IntegerField(), "granted": serializers.IntegerField(),
        "applied_share": serializers.CharField(allow_null=True),
        "granted_share": serializers.CharField(allow_null=True)}, many=many)


UPTAKE_ROW = _uptake_schema("UptakeRow")
PERIOD = [OpenApiParameter("fund", int), OpenApiParameter("start", str),
          OpenApiParameter("end", str)]


class UptakeApi(ReplicaReportsMixin, APIView):
    @extend_schema(parameters=PERIOD, responses=inline_serializer("Uptake", {
        "administrations": UPTAKE_ROW, "units": UPTAKE_ROW,
        "rows": _uptake_schema("UptakeRows", many=True)}))
    def get(self, request: Request) -> Response:
        """Units and administrations that applied (submitted in the period) and that got
        money, per administration; shares in per cent."""
        report = uptake(request.user, _funds(request), start=_date(request, "start"),
                        end=_date(request, "end"))
        return Response({"administrations": _uptake_row(report.administrations),
                         "units": _uptake_row(report.units),
                         "rows": [_uptake_row(r) for r in report.rows]})


class CentralApi(ReplicaReportsMixin, APIView):
    @extend_schema(parameters=PERIOD, responses=inline_serializer("CentralAndUnits", {
        "granted": serializers.CharField(), "organisation_wide": serializers.CharField(),
        "central": serializers.CharField(), "units": serializers.CharField(),
        "administrations": inline_serializer("CentralRow", {
            "label": serializers.CharField(), "sector": serializers.CharField(),
            "central": serializers.CharField(), "units": serializers.CharField()},
            many=True)}))
    def get(self, request: Request) -> Response:
        """Granted money used centrally by each administration (booked on it) against money
        to its units, and organisation-wide projects (booked on no unit)."""
        report = central_and_units(_funds(request), start=_date(request, "start"),
                                   end=_date(request, "end"))
        return Response({
            "granted": as_api_string(report.granted),
            "organisation_wide": as_api_string(report.organisation_wide),
            "central": as_api_string(report.total.central),
            "units": as_api_string(report.total.units),
            "administrations": [{"label": r.label, "sector": r.sector,
                                 "central": as_api_string(r.central),
                                 "units": as_api_string(r.units)}
                                for r in report.administrations]})


class ForecastApi(ReplicaReportsMixin, APIView):
    @extend_schema(parameters=[OpenApiParameter("fund", int, required=True)],
                   responses=inline_serializer("Forecast", {
                       "fund": serializers.IntegerField(), "capital": serializers.CharField(),
                       "available": serializers.CharField(),
                       "committed": serializers.CharField(), "paid": serializers.CharField(),
                       "proposed": serializers.CharField(),
                       "in_review": serializers.CharField(),
                       "pace_per_month": serializers.CharField(),
                       "runs_out": serializers.DateField(allow_null=True),
                       "left_at_end": serializers.CharField(allow_null=True),
                       "months": inline_serializer("ForecastMonth", {
                           "month": serializers.CharField(),
                           "available": serializers.CharField(allow_null=True),
                           "paid": serializers.CharField(allow_null=True),
                           "projected": serializers.CharField(allow_null=True)}, many=True)}))
    def get(self, request: Request) -> Response:
        """The fund's burn-down: paid, committed and available money per month, the
        pipeline (proposed for a grant; asked for under review), the pace of the last 12
        months and the date the money runs out at that pace (null: not before the fund's
        end)."""
        check(can_view_ledger(request.user))
        fund_id = id_param(request.query_params, "fund")
        if fund_id is None:
            raise exceptions.ValidationError({"fund": ["Ange fonden (fund=id)."]})
        fund = get_object_or_404(fund_list(user=request.user), pk=fund_id)
        report = forecast(fund, today=timezone.localdate())
        return Response({
            "fund": fund.pk, "capital": as_api_string(report.capital),
            "available": as_api_string(report.available),
            "committed": as_api_string(report.committed), "paid": as_api_string(report.paid),
            "proposed": as_api_string(report.proposed),
            "in_review": as_api_string(report.in_review),
            "pace_per_month": as_api_string(report.pace),
            "runs_out": report.runs_out.isoformat() if report.runs_out else None,
            "left_at_end": _money(report.left_at_end),
            "months": [{"month": m.month.strftime("%Y-%m"), "available": _money(m.available),
                        "paid": _money(m.paid), "projected": _money(m.projected)}
                       for m in report.months]})


class AllowanceScenarioApi(ReplicaReportsMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("amount", str, required=True,
                                     description='Per employee and year, e.g. "10000.00".'),
                    OpenApiParameter("years", int), OpenApiParameter("occupation", str,
                                     description="SSYK codes, comma-separated"),
                    OpenApiParameter("administration", str,
                                     description="Administration ids, comma-separated"),
                    OpenApiParameter("min_rate", str), OpenApiParameter("prorate", bool),
                    OpenApiParameter("fund", int)],
        responses=inline_serializer("AllowanceScenario", {
            "employees": serializers.IntegerField(),
            "women": serializers.IntegerField(), "men": serializers.IntegerField(),
            "other": serializers.IntegerField(), "per_year": serializers.CharField(),
            "total": serializers.CharField(), "capital": serializers.CharField(),
            "available": serializers.CharField(),
            "share_of_capital": serializers.CharField(allow_null=True),
            "share_of_available": serializers.CharField(allow_null=True),
            "sectors": serializers.ListField(child=serializers.CharField()),
            "group_granted": serializers.CharField(),
            "times_group_granted": serializers.CharField(allow_null=True)}))
    def get(self, request: Request) -> Response:
        """What an individual allowance would cost and whom it would reach, against the
        fund and what the target group's sectors were granted so far. Nothing is saved."""
        from kompetensfond.organisation.models import Occupation, OrgUnit

        from .forms import ScenarioForm
        from .scenario import ScenarioSpec, allowance_scenario

        funds = _funds(request)
        municipality = municipality_of(request.user)
        params = request.query_params
        form = ScenarioForm({
            "amount": params.get("amount", ""), "years": params.get("years") or "1",
            "min_rate": params.get("min_rate") or "0",
            "prorate": params.get("prorate") in ("true", "1"),
            "occupations": [o.pk for o in Occupation.objects.filter(ssyk_code__in=_list(
                params.get("occupation")))],
            "administrations": [u.pk for u in OrgUnit.objects.filter(
                municipality=municipality, pk__in=[int(i) for i in _list(
                    params.get("administration")) if i.isdigit() and len(i) <= 12])]},
            municipality=municipality, funds=fund_list(user=request.user))
        if not form.is_valid():
            raise exceptions.ValidationError(
                {k: [str(m) for m in v] for k, v in form.errors.items()})
        data = form.cleaned_data
        report = allowance_scenario(request.user, funds, ScenarioSpec(
            amount=data["amount"], years=data["years"], occupations=list(data["occupations"]),
            administrations=list(data["administrations"]), min_rate=data["min_rate"],
            prorate=data["prorate"]))
        return Response({
            "employees": report.employees, "women": report.by_gender["woman"],
            "men": report.by_gender["man"], "other": report.by_gender["other"],
            "per_year": as_api_string(report.per_year), "total": as_api_string(report.total),
            "capital": as_api_string(report.capital),
            "available": as_api_string(report.available),
            "share_of_capital": _text(report.share_of_capital),
            "share_of_available": _text(report.share_of_available),
            "sectors": report.sectors, "group_granted": as_api_string(report.group_granted),
            "times_group_granted": _text(report.times_group_granted)})


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()][:100]


class PublicRegisterApi(ReplicaReportsMixin, APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]

    @extend_schema(responses=inline_serializer("PublicGrant", {
        "decided_on": serializers.DateField(), "decided_by": serializers.CharField(),
        "paragraph": serializers.IntegerField(allow_null=True),
        "case_number": serializers.CharField(), "administration": serializers.CharField(),
        "unit": serializers.CharField(), "title": serializers.CharField(),
        "purpose": serializers.CharField(),
        "strategies": serializers.ListField(child=serializers.CharField()),
        "granted": serializers.CharField(), "paid": serializers.CharField()}, many=True))
    def get(self, request: Request, slug: str) -> Response:
        """A municipality's decided grants, without personal data (open to everyone)."""
        municipality = get_object_or_404(Municipality, slug=slug)
        return Response([{**row, "decided_on": row["decided_on"].isoformat(),
                          "granted": as_api_string(row["granted"]),
                          "paid": as_api_string(row["paid"])}
                         for row in register_rows(municipality)])
