"""API: ``reports/distribution?fund=&by=&start=&end=``, ``reports/gender?fund=`` and the
public ``public/{municipality}/register``."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kompetensfond.core.api_support import id_param
from kompetensfond.core.models import Municipality
from kompetensfond.core.money import as_api_string
from kompetensfond.core.permissions import check
from kompetensfond.funds.selectors import fund_list
from kompetensfond.ledger.permissions import can_view_ledger

from .public import PublicThrottle, register_rows
from .selectors import DIMENSIONS, distribution, gender_report, report_funds


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


class DistributionApi(APIView):
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


class GenderApi(APIView):
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


class PublicRegisterApi(APIView):
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
