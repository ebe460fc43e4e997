"""REST API: ``plans`` (+ ``plans/{id}/strategies``) and ``guidelines`` (+ ``check``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kompetensfond.core.api_support import ID_PATTERN, id_field, people_field
from kompetensfond.core.money import as_api_string, parse_money
from kompetensfond.core.permissions import check
from kompetensfond.core.requests import actor_of, own_municipality
from kompetensfond.core.text import ApiTextField
from kompetensfond.funds.permissions import can_view_funds

from .checks import ApplicationData, BudgetLine, delegate_for, guideline_check
from .models import CostType, Guideline, Plan, Strategy, Target
from .selectors import (
    access_plan,
    delegations_of,
    guideline_list,
    plan_list,
    rules_of,
    strategy_list,
    target_progress,
)
from .services import plan_create, strategy_create


class TargetSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    occupation_from = ApiTextField(source="occupation_from.ssyk_code", default=None)
    occupation_to = ApiTextField(source="occupation_to.ssyk_code", default=None)

    class Meta:
        model = Target
        fields = ["id", "kind", "description", "occupation_from", "occupation_to", "count",
                  "due_date"]


class StrategySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = ["id", "code", "title", "description", "continues", "targets"]


class PlanSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    shortage_occupations: Any = serializers.SlugRelatedField(many=True, read_only=True,
                                                             slug_field="ssyk_code")
    decision_reference = ApiTextField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "title", "status", "valid_from", "valid_to", "adopted_by",
                  "adopted_on", "paragraph", "case_number", "decision_reference", "replaces",
                  "shortage_occupations"]
        read_only_fields = ["status", "adopted_by", "adopted_on", "paragraph", "case_number",
                            "replaces"]


class StrategyCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = ApiTextField(max_length=20)
    title = ApiTextField(max_length=200)
    description = ApiTextField(required=False, allow_blank=True, default="")


class PlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = PlanSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        check(can_view_funds(self.request.user))
        return plan_list(user=self.request.user).prefetch_related("shortage_occupations")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = plan_create(
            actor=actor_of(self.request),
            municipality=own_municipality(self.request.user),
            title=data["title"], valid_from=data["valid_from"], valid_to=data["valid_to"])

    @extend_schema(request=StrategyCreateSerializer,
                   responses={200: StrategySerializer(many=True), 201: StrategySerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def strategies(self, request: Request, pk: str) -> Response:
        """GET: the plan's strategies with their targets and progress; POST adds a strategy
        to a draft plan."""
        plan = access_plan(request.user, pk)
        if request.method == "GET":
            progress = target_progress(plan)
            data = StrategySerializer(strategy_list(plan), many=True).data
            for item in data:
                reached = {p.target.pk: p.reached for p in progress.get(item["id"], [])}
                for target in item["targets"]:
                    target["reached"] = reached.get(target["id"], 0)
            return Response(data)
        body = StrategyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        strategy = strategy_create(actor=actor_of(request), plan=plan,
                                   **body.validated_data)
        return Response(StrategySerializer(strategy).data, status=status.HTTP_201_CREATED)


class RoundSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = ApiTextField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class GuidelineSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    rounds = RoundSerializer(many=True, read_only=True)
    delegations = serializers.SerializerMethodField()
    max_per_application = serializers.DecimalField(max_digits=14, decimal_places=2,
                                                   allow_null=True)
    max_per_participant = serializers.DecimalField(max_digits=14, decimal_places=2,
                                                   allow_null=True)

    class Meta:
        model = Guideline
        fields = ["id", "fund", "plan", "eligible_cost_types", "max_per_application",
                  "max_per_participant", "min_cofunding_percent", "requires_strategy",
                  "rounds", "delegations", "text"]

    def get_delegations(self, guideline: Guideline) -> list[dict[str, str]]:
        return [{"max_amount": as_api_string(d.max_amount), "delegate": d.delegate,
                 "delegation_point": d.delegation_point} for d in delegations_of(guideline)]


class CheckLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cost_type = serializers.ChoiceField(choices=CostType.choices)
    amount = ApiTextField()


class CheckSerializer(serializers.Serializer):  # type: ignore[type-arg]
    budget = CheckLineSerializer(many=True)
    participants = people_field()
    cofunding = ApiTextField(required=False, default="0")
    strategies = serializers.ListField(child=id_field(), required=False,
                                       default=list)
    occupations = serializers.ListField(child=ApiTextField(), required=False,
                                        default=list, help_text="SSYK codes")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class GuidelineViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = GuidelineSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Guideline.objects.none()
        check(can_view_funds(self.request.user))
        return guideline_list(user=self.request.user)

    @extend_schema(request=CheckSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str) -> Response:
        """Check an application against the guidelines: the findings (errors block
        submission, warnings inform) and who may decide the amount."""
        guideline = self.get_object()
        body = CheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            lines = [BudgetLine(line["cost_type"], parse_money(line["amount"]))
                     for line in data["budget"]]
            cofunding = parse_money(data["cofunding"])
        except ValueError as exc:
            raise serializers.ValidationError({"budget": [str(exc)]}) from exc
        application = ApplicationData(budget=lines, participants=data["participants"],
                                      cofunding=cofunding, strategy_ids=data["strategies"],
                                      occupation_codes=data["occupations"], at=data["at"])
        findings = guideline_check(rules_of(guideline), application)
        delegate = delegate_for(delegations_of(guideline), application.requested)
        return Response({
            "requested": as_api_string(application.requested),
            "findings": [{"severity": f.severity.value, "code": f.code, "message": f.message}
                         for f in findings],
            "blocks": any(f.blocks for f in findings),
            "decided_by": ({"delegate": delegate.delegate,
                            "delegation_point": delegate.delegation_point}
                           if delegate else {"body": str(guideline.fund.owning_body)}),
        })
