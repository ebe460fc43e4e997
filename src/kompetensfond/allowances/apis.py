"""API: allowance schemes (list, create, their allowances, update from the register,
expire) and claims (list, submit with a receipt, approve, reject, pay)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kompetensfond.core.api_support import ID_PATTERN, JSONParser, id_field
from kompetensfond.core.money import as_api_string
from kompetensfond.core.requests import actor_of, own_municipality
from kompetensfond.core.text import ApiTextField
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.organisation.models import Occupation, OrgUnit

from .models import Allowance, AllowanceScheme, Claim, ClaimCategory, ClaimStatus, LeaverRule
from .selectors import (
    access_allowance,
    access_claim,
    access_scheme,
    allowance_list,
    claim_list,
    scheme_figures,
    scheme_list,
    with_remaining,
)
from .services import (
    ClaimInput,
    SchemeInput,
    claim_approve,
    claim_pay,
    claim_reject,
    claim_submit,
    scheme_create,
    scheme_expire,
    scheme_update_from_register,
)


def _money(value: Any) -> str:
    return as_api_string(value)


class SchemeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    amount = serializers.SerializerMethodField()
    occupations: serializers.RelatedField[Any, Any, Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="ssyk_code")
    figures = serializers.SerializerMethodField()

    class Meta:
        model = AllowanceScheme
        fields = ["id", "fund", "earmark", "name", "decision_reference", "amount",
                  "period_start", "period_end", "expiry_date", "cutoff_date", "occupations",
                  "units", "min_employment_rate", "prorate_by_rate", "prorate_by_start",
                  "leaver_rule", "status", "figures"]

    def get_amount(self, scheme: AllowanceScheme) -> str:
        return _money(scheme.amount)

    def get_figures(self, scheme: AllowanceScheme) -> dict[str, Any]:
        figures = scheme_figures(scheme)
        return {"employees": figures.employees,
                **{key: _money(getattr(figures, key)) for key in (
                    "allocated", "released", "pending", "approved", "paid", "left",
                    "reserved")}}


class SchemeCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    fund = id_field()
    earmark = id_field(required=False, allow_null=True, default=None)
    name = ApiTextField(max_length=200)
    decision_reference = ApiTextField(max_length=200, required=False, allow_blank=True,
                                      default="")
    amount = ApiTextField(max_length=30, help_text='Per employee and period, e.g. "10000.00".')
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    expiry_date = serializers.DateField(help_text="The last day for claims.")
    cutoff_date = serializers.DateField(help_text="Employed on this day.")
    occupations = serializers.ListField(child=serializers.RegexField(r"^[0-9]{4}$"),
                                        required=False, default=list, max_length=100,
                                        help_text="SSYK 2012 codes; none: every occupation.")
    units = serializers.ListField(child=id_field(), required=False, default=list,
                                  max_length=500,
                                  help_text="Units with their subtrees; none: all.")
    min_employment_rate = serializers.DecimalField(max_digits=5, decimal_places=2,
                                                   min_value=0, max_value=100,  # type: ignore[arg-type]
                                                   required=False, default=Decimal(0))
    prorate_by_rate = serializers.BooleanField(required=False, default=True)
    prorate_by_start = serializers.BooleanField(required=False, default=True)
    leaver_rule = serializers.ChoiceField(choices=LeaverRule.choices, required=False,
                                          default=LeaverRule.KEEP)


class AllowanceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    amount = serializers.SerializerMethodField()
    released = serializers.SerializerMethodField()
    left = serializers.SerializerMethodField()
    employee_number = serializers.CharField(source="employee.employee_number")

    class Meta:
        model = Allowance
        fields = ["id", "scheme", "employee", "employee_number", "unit", "amount", "released",
                  "left", "status"]

    def get_amount(self, allowance: Allowance) -> str:
        return _money(allowance.amount)

    def get_released(self, allowance: Allowance) -> str:
        return _money(allowance.released)

    def get_left(self, allowance: Allowance) -> str:
        return _money(allowance.left)  # type: ignore[attr-defined]


@extend_schema(tags=["allowance-schemes"])
class AllowanceSchemeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Individual competence-development allowances: a scheme gives every eligible
    employee an amount and reserves the total in the fund's ledger."""

    serializer_class = SchemeSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[AllowanceScheme]:
        if getattr(self, "swagger_fake_view", False):
            return AllowanceScheme.objects.none()
        return scheme_list(user=self.request.user).prefetch_related("occupations", "units")

    @extend_schema(request=SchemeCreateSerializer, responses={201: SchemeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SchemeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        municipality = own_municipality(request.user)
        fund = _get(Fund.objects.filter(municipality=municipality), data["fund"], "fund")
        earmark = (_get(Earmark.objects.filter(fund=fund), data["earmark"], "earmark")
                   if data["earmark"] else None)
        codes = data["occupations"]
        occupations = list(Occupation.objects.filter(ssyk_code__in=codes))
        if len(occupations) != len(set(codes)):
            raise serializers.ValidationError({"occupations": ["Okänd SSYK-kod."]})
        units = list(OrgUnit.objects.filter(municipality=municipality, pk__in=data["units"]))
        if len(units) != len(set(data["units"])):
            raise serializers.ValidationError({"units": ["Okänd enhet."]})
        scheme = scheme_create(actor=actor_of(request), fund=fund, data=SchemeInput.of(
            {**data, "earmark": earmark, "occupations": occupations, "units": units}))
        return Response(SchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AllowanceSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def allowances(self, request: Request, pk: str) -> Response:
        """The scheme's allowances you may see (a manager: their units' staff)."""
        scheme = access_scheme(request.user, pk)
        qs = allowance_list(user=request.user, scheme=scheme).order_by("pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            AllowanceSerializer(with_remaining(page or []), many=True).data)

    @extend_schema(request=None, responses={200: SchemeSerializer})
    @action(detail=True, methods=["post"], url_path="update-from-register")
    def update_from_register(self, request: Request, pk: str) -> Response:
        """New hires in, leavers out by the scheme's rule (the daily run does the same)."""
        scheme = access_scheme(request.user, pk)
        scheme_update_from_register(actor=actor_of(request), scheme=scheme)
        return Response(SchemeSerializer(access_scheme(request.user, pk)).data)

    @extend_schema(request=None, responses={200: SchemeSerializer})
    @action(detail=True, methods=["post"])
    def expire(self, request: Request, pk: str) -> Response:
        """After the last day for claims: what is left goes back to the fund."""
        scheme = access_scheme(request.user, pk)
        scheme_expire(actor=actor_of(request), scheme=scheme)
        return Response(SchemeSerializer(access_scheme(request.user, pk)).data)


def _get(qs: QuerySet[Any], pk: int, field: str) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: ["Finns inte."]})
    return found


class ClaimSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    cost = serializers.SerializerMethodField()
    scheme = serializers.IntegerField(source="allowance.scheme_id")

    class Meta:
        model = Claim
        fields = ["id", "allowance", "scheme", "activity", "provider", "category",
                  "start_date", "end_date", "cost", "development_plan", "receipt_name",
                  "status", "submitted_at", "decided_at", "comment", "paid_on", "voucher"]

    def get_cost(self, claim: Claim) -> str:
        return _money(claim.cost)


class ClaimCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    allowance = id_field()
    activity = ApiTextField(max_length=200)
    provider = ApiTextField(max_length=200)
    category = serializers.ChoiceField(choices=ClaimCategory.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    cost = ApiTextField(max_length=30, help_text='e.g. "2500.00"')
    development_plan = ApiTextField(max_length=500, required=False, allow_blank=True,
                                    default="")
    receipt = serializers.FileField(max_length=200, allow_empty_file=False,
                                    help_text="PDF, PNG or JPEG, at most 5 MB.")


class ClaimDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    comment = ApiTextField(max_length=2000, required=False, allow_blank=True, default="",
                           help_text="Required when rejecting: the reason.")


class ClaimPaymentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    paid_on = serializers.DateField()
    voucher = ApiTextField(max_length=40)


@extend_schema(parameters=[OpenApiParameter("status", str, required=False)])
class ClaimViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Employees' claims on their allowance: the employee submits (with the receipt), their
    manager approves or rejects, the case officer registers the payment."""

    serializer_class = ClaimSerializer
    lookup_value_regex = ID_PATTERN
    parser_classes = [JSONParser, MultiPartParser]  # a claim is sent with its receipt

    def get_queryset(self) -> QuerySet[Claim]:
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        wanted = self.request.query_params.get("status", "")
        return claim_list(user=self.request.user,
                          status=wanted if wanted in ClaimStatus.values else "")

    @extend_schema(request={"multipart/form-data": ClaimCreateSerializer},
                   responses={201: ClaimSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ClaimCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        allowance = access_allowance(request.user, data["allowance"])
        receipt = data["receipt"]
        claim = claim_submit(actor=actor_of(request), allowance=allowance, data=ClaimInput(
            activity=data["activity"], provider=data["provider"], category=data["category"],
            start_date=data["start_date"], end_date=data["end_date"], cost=data["cost"],
            development_plan=data["development_plan"], receipt_name=receipt.name or "",
            receipt=receipt.read(6 * 1024 * 1024)))
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, pk: str, decide: Any) -> Response:
        body = ClaimDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = decide(actor_of(request), access_claim(request.user, pk),
                       body.validated_data["comment"])
        return Response(ClaimSerializer(claim).data)

    @extend_schema(request=ClaimDecisionSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def approve(self, request: Request, pk: str) -> Response:
        """The employee's manager approves: the cost is committed in the ledger."""
        return self._decide(request, pk, lambda actor, claim, comment: claim_approve(
            actor=actor, claim=claim, comment=comment))

    @extend_schema(request=ClaimDecisionSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def reject(self, request: Request, pk: str) -> Response:
        """The employee's manager rejects, with the reason in ``comment``."""
        return self._decide(request, pk, lambda actor, claim, comment: claim_reject(
            actor=actor, claim=claim, reason=comment))

    @extend_schema(request=ClaimPaymentSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def pay(self, request: Request, pk: str) -> Response:
        """The case officer registers the payment (voucher from the payroll system)."""
        body = ClaimPaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = claim_pay(actor=actor_of(request), claim=access_claim(request.user, pk),
                          on=body.validated_data["paid_on"],
                          voucher=body.validated_data["voucher"])
        return Response(ClaimSerializer(claim).data)
