"""REST API for funds: ``funds``, ``funds/{id}/contributions``, ``funds/{id}/earmarks``,
``funds/{id}/balance`` and ``funds/{id}/ledger``. Amounts are decimal strings ("1234.50");
a request that would overdraw gets 409 with the amount available in ``detail``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kompetensfond.core.api_support import ID_PATTERN, id_field
from kompetensfond.core.money import as_api_string
from kompetensfond.core.permissions import check
from kompetensfond.core.requests import actor_of, own_municipality
from kompetensfond.core.text import ApiTextField
from kompetensfond.ledger.models import TransactionKind
from kompetensfond.ledger.permissions import can_view_ledger
from kompetensfond.ledger.selectors import Balance, fund_balances, fund_dashboard, transaction_list
from kompetensfond.organisation.selectors import body_list, occupation_choices, org_unit_list
from kompetensfond.plans.models import Strategy

from .models import Contribution, ContributionSource, Earmark, Fund
from .permissions import can_view_funds
from .selectors import access_fund, earmark_list, fund_list
from .services import contribution_record, earmark_create, fund_create


def _balance_data(balance: Balance | None) -> dict[str, str]:
    balance = balance or Balance()
    return {key: as_api_string(value) for key, value in balance.as_dict().items()}


class FundSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Fund
        fields = ["id", "name", "description", "start_date", "end_date", "owning_body",
                  "status", "balance"]

    def get_balance(self, fund: Fund) -> dict[str, str]:
        return _balance_data(self.context.get("balances", {}).get(fund.pk))


class FundCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = ApiTextField(max_length=200)
    description = ApiTextField(required=False, allow_blank=True, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    owning_body = id_field()


class ContributionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    decision_reference = ApiTextField(read_only=True)

    class Meta:
        model = Contribution
        fields = ["id", "amount", "date", "source", "source_text", "decision_body",
                  "decision_date", "paragraph", "case_number", "decision_reference"]


class ContributionCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    amount = ApiTextField(help_text="Decimal string, e.g. \"100000000.00\".")
    date = serializers.DateField()
    source = serializers.ChoiceField(choices=ContributionSource.choices)  # type: ignore[assignment]
    source_text = ApiTextField(required=False, allow_blank=True, default="")
    decision_body = id_field()
    decision_date = serializers.DateField()
    paragraph = serializers.IntegerField(
        min_value=1, max_value=100_000, required=False, allow_null=True, default=None,
        help_text="§ in the body's minutes; omitted: the next free § in the register.")
    case_number = ApiTextField(max_length=60)
    idempotency_key = ApiTextField(required=False, max_length=100)


class EarmarkSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    occupations: Any = serializers.SlugRelatedField(many=True, read_only=True,
                                                    slug_field="ssyk_code")
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Earmark
        fields = ["id", "name", "purpose", "administration", "occupations", "strategies",
                  "balance"]

    def get_balance(self, earmark: Earmark) -> dict[str, str]:
        return _balance_data(self.context.get("balances", {}).get(earmark.pk))


class EarmarkCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = ApiTextField(max_length=200)
    amount = ApiTextField()
    purpose = ApiTextField(required=False, allow_blank=True, default="")
    administration = id_field(required=False, allow_null=True)
    occupations = serializers.ListField(child=ApiTextField(), required=False,
                                        help_text="SSYK codes")
    strategies = serializers.ListField(child=id_field(), required=False,
                                       help_text="ids of strategies of the municipality's plans")
    date = serializers.DateField(required=False)


class TransactionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    date = serializers.DateField()
    kind = ApiTextField()
    text = ApiTextField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    earmark = serializers.IntegerField(source="earmark_id", allow_null=True)
    org_unit = serializers.IntegerField(source="org_unit_id", allow_null=True)
    source_type = ApiTextField()
    source_id = ApiTextField()
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)
    reason = ApiTextField()
    created_at = serializers.DateTimeField()


class FundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = FundSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Fund.objects.none()
        check(can_view_funds(self.request.user))
        return fund_list(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["balances"] = fund_balances(list(self.get_queryset().values_list("pk",
                                                                                    flat=True)))
        return context

    @extend_schema(request=FundCreateSerializer, responses={201: FundSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = FundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["owning_body"] = get_object_or_404(body_list(user=request.user),
                                                  pk=values["owning_body"])
        fund = fund_create(actor=actor_of(request),
                           municipality=own_municipality(request.user),
                           **values)
        return Response(FundSerializer(fund, context={"balances": {}}).data,
                        status=status.HTTP_201_CREATED)

    def _fund(self, pk: str) -> Fund:
        return access_fund(self.request.user, pk)

    @extend_schema(request=ContributionCreateSerializer,
                   responses={200: ContributionSerializer(many=True),
                              201: ContributionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def contributions(self, request: Request, pk: str) -> Response:
        """GET lists the decided capital; POST records a contribution or top-up (the
        decision reference is required)."""
        fund = self._fund(pk)
        if request.method == "GET":
            return Response(ContributionSerializer(
                fund.contributions.select_related("decision_body"), many=True).data)
        data = ContributionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["decision_body"] = get_object_or_404(body_list(user=request.user),
                                                    pk=values["decision_body"])
        values["on"] = values.pop("date")
        contribution = contribution_record(actor=actor_of(request), fund=fund, **values)
        return Response(ContributionSerializer(contribution).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=EarmarkCreateSerializer,
                   responses={200: EarmarkSerializer(many=True), 201: EarmarkSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def earmarks(self, request: Request, pk: str) -> Response:
        fund = self._fund(pk)
        board = fund_dashboard(fund, today=timezone.localdate())
        if request.method == "GET":
            return Response(EarmarkSerializer(earmark_list(fund), many=True,
                                              context={"balances": board.earmarks}).data)
        data = EarmarkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("administration") is not None:
            values["administration"] = get_object_or_404(
                org_unit_list(user=request.user), pk=values["administration"])
        codes = values.pop("occupations", [])
        occupations = list(occupation_choices().filter(ssyk_code__in=codes))
        if len(occupations) != len(set(codes)):
            raise serializers.ValidationError({"occupations": ["Okänd SSYK-kod."]})
        strategy_ids = values.pop("strategies", [])
        strategies = list(Strategy.objects.filter(plan__municipality=fund.municipality,
                                                  pk__in=strategy_ids))
        if len(strategies) != len(set(strategy_ids)):
            raise serializers.ValidationError({"strategies": ["Okänd strategi."]})
        earmark = earmark_create(actor=actor_of(request), fund=fund, occupations=occupations,
                                 strategies=strategies, on=values.pop("date", None), **values)
        balances = fund_dashboard(fund, today=timezone.localdate()).earmarks
        return Response(EarmarkSerializer(earmark, context={"balances": balances}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer(name="FundBalance", fields={
        "fund": serializers.IntegerField(), "status": ApiTextField(),
        "days_left": serializers.IntegerField(), "capital": ApiTextField(),
        "available": ApiTextField(), "unearmarked": ApiTextField(),
        "earmarked": ApiTextField(), "reserved": ApiTextField(),
        "committed": ApiTextField(), "disbursed": ApiTextField(),
        "earmarks": serializers.ListField(child=serializers.DictField()),
        "administrations": serializers.ListField(child=serializers.DictField()),
        "months": serializers.ListField(child=serializers.DictField())}))
    @action(detail=True, methods=["get"])
    def balance(self, request: Request, pk: str) -> Response:
        """Capital, available (in and outside earmarks), reserved, committed, disbursed; the
        earmarks; use per administration; the monthly burn-down; days left."""
        fund = self._fund(pk)
        today = timezone.localdate()
        board = fund_dashboard(fund, today=today)
        return Response({
            "fund": fund.pk,
            "status": fund.status,
            "days_left": max((fund.end_date - today).days, 0) if fund.is_open else 0,
            **_balance_data(board.balance),
            "earmarks": [{"id": pk, **_balance_data(b)} for pk, b in board.earmarks.items()],
            "administrations": [
                {"org_unit": a.unit.pk if a.unit else None,
                 "name": a.unit.name if a.unit else None,
                 "committed": as_api_string(a.committed),
                 "disbursed": as_api_string(a.disbursed)}
                for a in board.administrations],
            "months": [
                {"month": m.month.strftime("%Y-%m"),
                 "capital": None if m.capital is None else as_api_string(m.capital),
                 "available": None if m.available is None else as_api_string(m.available),
                 "disbursed": None if m.disbursed is None else as_api_string(m.disbursed)}
                for m in board.months],
        })

    @extend_schema(parameters=[
        OpenApiParameter("kind", str, enum=TransactionKind.values),
        OpenApiParameter("from", str, description="YYYY-MM-DD"),
        OpenApiParameter("to", str, description="YYYY-MM-DD"),
        OpenApiParameter("administration", int), OpenApiParameter("earmark", int),
    ], responses={200: TransactionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def ledger(self, request: Request, pk: str) -> Response:
        fund = self._fund(pk)
        check(can_view_ledger(request.user))
        params = request.query_params
        filters = _LedgerParams(data={
            "kind": params.get("kind", ""), "start": params.get("from"),
            "end": params.get("to"), "administration": params.get("administration"),
            "earmark": params.get("earmark")})
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        administration = (get_object_or_404(org_unit_list(user=request.user),
                                            pk=values["administration"])
                          if values.get("administration") else None)
        qs = transaction_list(fund, kind=values.get("kind") or "", start=values.get("start"),
                              end=values.get("end"), administration=administration,
                              earmark_id=values.get("earmark"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(TransactionSerializer(page, many=True).data)


class _LedgerParams(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=TransactionKind.choices, required=False,
                                   allow_blank=True)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    administration = id_field(required=False, allow_null=True)
    earmark = id_field(required=False, allow_null=True)
