"""API: payments (list, register, import a file) and follow-ups (list, report, accept)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kompetensfond.applications.selectors import access_application, application_list
from kompetensfond.core.api_support import ID_PATTERN, id_field, id_param, people_field
from kompetensfond.core.money import as_api_string
from kompetensfond.core.permissions import municipality_of
from kompetensfond.core.requests import actor_of
from kompetensfond.core.text import ApiTextField
from kompetensfond.organisation.selectors import visible_unit_paths

from .models import FollowUp, Payment
from .services import (
    GENDERS,
    PEOPLE,
    QualificationLine,
    follow_up_accept,
    follow_up_submit,
    payment_import,
    payment_import_check,
    payment_register,
)


class PaymentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    amount = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ["id", "application", "paid_on", "amount", "voucher", "transaction"]

    def get_amount(self, payment: Payment) -> str:
        return as_api_string(payment.amount)


class PaymentCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    application = id_field()
    amount = ApiTextField(max_length=30, help_text='Decimal string, e.g. "120000.00".')
    paid_on = serializers.DateField()
    voucher = ApiTextField(max_length=40, help_text="The voucher number in the finance system.")


class PaymentFileSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(max_length=200, allow_empty_file=False)


PaymentPreviewSerializer = inline_serializer("PaymentPreview", {
    "ok": serializers.BooleanField(), "total": serializers.CharField(),
    "rows": inline_serializer("PaymentPreviewRow", {
        "row": serializers.IntegerField(), "voucher": serializers.CharField(),
        "paid_on": serializers.DateField(), "amount": serializers.CharField(),
        "application": serializers.IntegerField()}, many=True),
    "errors": inline_serializer("PaymentPreviewError", {
        "row": serializers.IntegerField(), "message": serializers.CharField()}, many=True)})


def _of_visible_applications(qs: QuerySet[Any], user: Any, *, own_column: bool) -> Any:
    """The rows of applications the user may see: the municipality's, by the row's own
    municipality column (``own_column``, an index) or its application's; narrowed to the
    visible applications only for a user who sees part of it (a manager's subtree). An
    ``IN`` over the whole municipality's applications made the planner read every
    municipality's rows."""
    municipality = municipality_of(user)
    if municipality is None:
        raise Http404
    qs = qs.filter(**{"municipality" if own_column else "application__municipality":
                      municipality})
    if visible_unit_paths(user) is not None:
        qs = qs.filter(application__in=application_list(user=user).values("pk"))
    return qs


@extend_schema(parameters=[OpenApiParameter("application", int, required=False)])
class PaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Payments of granted applications, as booked in the finance system."""

    serializer_class = PaymentSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Payment]:
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        qs = _of_visible_applications(Payment.objects.all(), self.request.user,
                                      own_column=True)
        application = id_param(self.request.query_params, "application")
        if application is not None:
            qs = qs.filter(application_id=application)
        return qs.order_by("paid_on", "pk")

    @extend_schema(request=PaymentCreateSerializer, responses={201: PaymentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = PaymentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        application = access_application(request.user, data["application"])
        payment = payment_register(actor=actor_of(request), application=application,
                                   amount=data["amount"], on=data["paid_on"],
                                   voucher=data["voucher"])
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": PaymentFileSerializer},
        parameters=[OpenApiParameter("dry_run", bool, description=(
            "true: check every row and write nothing (the preview)."))],
        responses={200: PaymentPreviewSerializer, 201: PaymentSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="import", url_name="import",
            parser_classes=[MultiPartParser])
    def import_file(self, request: Request) -> Response:
        """A payment file from the finance system (CSV or XLSX: verifikation, datum, belopp,
        ansökan or dnr), all or nothing. With ``dry_run=true`` the rows checked and nothing
        written; without, every payment registered (201) or none (400 naming each row)."""
        body = PaymentFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        content = body.validated_data["file"].read()
        if request.query_params.get("dry_run") in ("true", "1"):
            plan = payment_import_check(actor=actor_of(request), content=content)
            return Response({
                "ok": plan.ok, "total": as_api_string(plan.total),
                "rows": [{"row": line.row, "voucher": line.voucher,
                          "paid_on": line.on.isoformat(), "amount": as_api_string(line.amount),
                          "application": line.application.pk} for line in plan.lines],
                "errors": [{"row": row, "message": message} for row, message in plan.errors]})
        payments = payment_import(actor=actor_of(request), content=content)
        return Response(PaymentSerializer(payments, many=True).data,
                        status=status.HTTP_201_CREATED)


class QualificationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    occupation_from = serializers.RegexField(r"^[0-9]{4}$", help_text="SSYK 2012 code")
    occupation_to = serializers.RegexField(r"^[0-9]{4}$", help_text="SSYK 2012 code")
    count = people_field()


class FollowUpSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    qualifications = serializers.SerializerMethodField()
    decommitted = serializers.SerializerMethodField()
    returned = serializers.SerializerMethodField()
    costs = serializers.DictField(child=serializers.CharField())

    class Meta:
        model = FollowUp
        fields = ["id", "application", "kind", "due_date", "status", "costs",
                  *[f"{p}_{g}" for p in PEOPLE for g in GENDERS], "qualifications",
                  "narrative", "submitted_at", "accepted_at", "decommitted", "returned"]

    def get_qualifications(self, follow_up: FollowUp) -> list[dict[str, Any]]:
        return [{"occupation_from": q.occupation_from.ssyk_code,
                 "occupation_to": q.occupation_to.ssyk_code, "count": q.count}
                for q in follow_up.qualifications.all()]

    def get_decommitted(self, follow_up: FollowUp) -> str:
        return as_api_string(follow_up.decommitted)

    def get_returned(self, follow_up: FollowUp) -> str:
        return as_api_string(follow_up.returned)


class FollowUpReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    costs = serializers.DictField(child=ApiTextField(max_length=30, allow_blank=True),
                                  help_text='Cost type → actual cost, e.g. {"course_fee": '
                                            '"250000.00"}.')
    narrative = ApiTextField(required=False, allow_blank=True, default="", max_length=10_000)
    qualifications = QualificationSerializer(many=True, required=False, default=list,
                                             max_length=20)  # type: ignore[call-arg]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for group in PEOPLE:
            for gender in GENDERS:
                fields[f"{group}_{gender}"] = people_field(required=False, default=0)
        return fields

    def validate_costs(self, costs: dict[str, str]) -> dict[str, str]:
        if len(costs) > 20:
            raise serializers.ValidationError("Högst 20 kostnadstyper.")
        return costs


@extend_schema(parameters=[OpenApiParameter("application", int, required=False)])
class FollowUpViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The reports each grant owes: submitted by the applying unit, accepted by the case
    officer (the final report closes the grant and gives back what was not used)."""

    serializer_class = FollowUpSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[FollowUp]:
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        qs = (_of_visible_applications(FollowUp.objects.all(), self.request.user,
                                       own_column=False)
              .prefetch_related("qualifications__occupation_from",
                                "qualifications__occupation_to"))
        application = id_param(self.request.query_params, "application")
        if application is not None:
            qs = qs.filter(application_id=application)
        return qs.order_by("due_date", "pk")

    def _respond(self, follow_up: FollowUp) -> Response:
        return Response(FollowUpSerializer(get_object_or_404(self.get_queryset(),
                                                             pk=follow_up.pk)).data)

    @extend_schema(request=FollowUpReportSerializer, responses={200: FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        body = FollowUpReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        follow_up_submit(
            actor=actor_of(request), follow_up=follow_up, costs=data["costs"],
            people={f"{p}_{g}": data[f"{p}_{g}"] for p in PEOPLE for g in GENDERS},
            narrative=data["narrative"],
            qualifications=[QualificationLine(q["occupation_from"], q["occupation_to"],
                                              q["count"]) for q in data["qualifications"]])
        return self._respond(follow_up)

    @extend_schema(request=None, responses={200: FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        follow_up_accept(actor=actor_of(request), follow_up=follow_up)
        return self._respond(follow_up)
