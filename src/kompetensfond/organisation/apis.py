from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kompetensfond.core.api_support import ID_PATTERN, ErrorSerializer, id_field, id_param
from kompetensfond.core.permissions import check
from kompetensfond.core.requests import actor_of, own_municipality
from kompetensfond.core.text import ApiTextField
from kompetensfond.core.uploads import upload_too_large

from .importing.services import employee_import_confirm, employee_import_validate
from .models import (
    Body,
    BodyKind,
    Employee,
    EmployeeImport,
    ImportStatus,
    Occupation,
    OrgUnit,
    Sector,
)
from .permissions import can_manage_organisation, can_view_employees
from .selectors import (
    access_org_unit,
    body_list,
    employee_import_list,
    employee_list,
    occupation_list,
    org_unit_list,
)
from .services import body_create, org_unit_create, org_unit_update, staff_register_read


class BodySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Body
        fields = ["id", "name", "short_name", "kind", "parent", "is_active"]


class BodyCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = ApiTextField(max_length=150)
    short_name = ApiTextField(max_length=20, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=BodyKind.choices)
    parent = id_field(required=False, allow_null=True)  # type: ignore[assignment]


class OrgUnitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "cost_centre", "sector", "responsible_body",
                  "manager", "is_active", "depth"]


class OrgUnitWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = ApiTextField(max_length=150, required=False)
    cost_centre = ApiTextField(max_length=20, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    parent = id_field(required=False, allow_null=True)  # type: ignore[assignment]
    responsible_body = id_field(required=False, allow_null=True)


class BodyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = BodySerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Body.objects.none()
        return body_list(user=self.request.user)

    @extend_schema(request=BodyCreateSerializer, responses={201: BodySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = BodyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent_id = data.validated_data.get("parent")
        parent = self.get_queryset().filter(pk=parent_id).first() if parent_id else None
        if parent_id and parent is None:
            raise serializers.ValidationError({"parent": [_("No such body.")]})
        body = body_create(
            actor=actor_of(request),
            municipality=own_municipality(request.user),
            name=data.validated_data["name"],
            short_name=data.validated_data.get("short_name", ""),
            kind=data.validated_data["kind"],
            parent=parent,
        )
        return Response(BodySerializer(body).data, status=status.HTTP_201_CREATED)


class OrgUnitViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,  # type: ignore[type-arg]
                     viewsets.ReadOnlyModelViewSet):
    """Units of the municipality. POST creates, PATCH renames, re-tags or moves (``parent``);
    units are never deleted."""


    serializer_class = OrgUnitSerializer
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return OrgUnit.objects.none()
        return org_unit_list(user=self.request.user, include_inactive=True)

    def _resolve(self, data: dict[str, Any]) -> dict[str, Any]:
        """The parent unit and responsible body of the municipality by id (400 when the
        id is not one of its own)."""
        out = dict(data)
        if data.get("parent") is not None:
            out["parent"] = (org_unit_list(user=self.request.user, include_inactive=True)
                             .filter(pk=data["parent"]).first())
            if out["parent"] is None:
                raise serializers.ValidationError({"parent": [_("No such unit.")]})
        if data.get("responsible_body") is not None:
            out["responsible_body"] = body_list(user=self.request.user).filter(
                pk=data["responsible_body"]).first()
            if out["responsible_body"] is None:
                raise serializers.ValidationError({"responsible_body": [_("No such body.")]})
        return out

    @extend_schema(request=OrgUnitWriteSerializer, responses={201: OrgUnitSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = OrgUnitWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = self._resolve(data.validated_data)
        missing = {key: [_("This field is required.")]
                   for key in ("name", "cost_centre", "sector") if key not in values}
        if missing:
            raise serializers.ValidationError(missing)
        unit = org_unit_create(actor=actor_of(request),
                               municipality=own_municipality(request.user),
                               **values)
        return Response(OrgUnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrgUnitWriteSerializer, responses=OrgUnitSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_object()
        data = OrgUnitWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = self._resolve(data.validated_data)
        move = "parent" in values
        unit = org_unit_update(actor=actor_of(request), unit=unit, move=move,
                               **values)
        return Response(OrgUnitSerializer(unit).data)


class OccupationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    headcount = serializers.IntegerField(read_only=True)
    women = serializers.IntegerField(read_only=True)
    men = serializers.IntegerField(read_only=True)

    class Meta:
        model = Occupation
        fields = ["id", "ssyk_code", "name_sv", "name_en", "headcount", "women", "men"]


class OccupationViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """SSYK 2012 unit groups with the municipality's headcount. ``?staffed=1``: only those
    with staff."""

    serializer_class = OccupationSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Occupation.objects.none()
        return occupation_list(user=self.request.user,
                               only_staffed=self.request.query_params.get("staffed") == "1")


class EmployeeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    ssyk = ApiTextField(source="occupation.ssyk_code", default=None, read_only=True)
    cost_centre = ApiTextField(source="unit.cost_centre", read_only=True)

    class Meta:
        model = Employee
        fields = ["id", "employee_number", "first_name", "last_name", "email", "gender",
                  "occupation", "ssyk", "unit", "cost_centre", "employment_rate",
                  "start_date", "end_date"]


class EmployeeImportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = EmployeeImport
        fields = ["id", "file_name", "status", "row_count", "counts", "errors", "error_count",
                  "file_error", "end_missing", "created_at", "finished_at"]


class EmployeeImportRequest(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField()
    end_missing = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False)


class EmployeeViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = EmployeeSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Employee.objects.none()
        check(can_view_employees(self.request.user))
        params = self.request.query_params
        unit_id = id_param(params, "unit")
        unit = access_org_unit(self.request.user, unit_id) if unit_id is not None else None
        return employee_list(user=self.request.user, search=params.get("search", ""),
                             unit=unit, gender=params.get("gender", ""),
                             status=params.get("status", "all"))

    @extend_schema(
        parameters=[OpenApiParameter("search", str), OpenApiParameter("unit", int),
                    OpenApiParameter("gender", str), OpenApiParameter("status", str)],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        staff_register_read(actor=actor_of(request), municipality=own_municipality(request.user),
                            how="api", filters=dict(request.query_params.items()))
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        staff_register_read(actor=actor_of(request), municipality=own_municipality(request.user),
                            how="api", filters={"employee": kwargs.get("pk")})
        return response

    @extend_schema(methods=["POST"], request={"multipart/form-data": EmployeeImportRequest},
                   responses={200: EmployeeImportSerializer, 202: EmployeeImportSerializer,
                              400: ErrorSerializer})
    @extend_schema(methods=["GET"], operation_id="employees_import_list",
                   responses=EmployeeImportSerializer(many=True))
    @action(detail=False, methods=["post", "get"], url_path="import",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def import_file(self, request: Request) -> Response:
        """POST a staff file: it is validated whole; without errors it is imported (all or
        nothing; 202 when it runs in the background). ``dry_run`` only validates.
        GET lists earlier imports."""
        municipality = own_municipality(request.user)
        check(can_manage_organisation(request.user, municipality))
        if request.method == "GET":  # paginated, as documented
            page = self.paginate_queryset(employee_import_list(user=request.user))
            return self.get_paginated_response(EmployeeImportSerializer(page, many=True).data)
        data = EmployeeImportRequest(data=request.data)
        if upload_too_large(request._request):
            raise serializers.ValidationError({"file": [_("The file is larger than 20 MB.")]})
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = employee_import_validate(actor=actor_of(request),
                                       municipality=municipality, file_name=upload.name,
                                       content=upload.read())
        if job.status != ImportStatus.VALIDATED:
            body = {"code": "invalid_file", "detail": job.file_error or
                    _errors_detail(job.error_count), **EmployeeImportSerializer(job).data}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if data.validated_data["dry_run"]:
            return Response(EmployeeImportSerializer(job).data)
        job = employee_import_confirm(actor=actor_of(request), job=job,
                                      end_missing=data.validated_data["end_missing"])
        code = status.HTTP_202_ACCEPTED if job.status == ImportStatus.QUEUED else status.HTTP_200_OK
        return Response(EmployeeImportSerializer(job).data, status=code)

    @extend_schema(responses=EmployeeImportSerializer)
    @action(detail=False, methods=["get"], url_path=r"import/(?P<import_id>\d+)")
    def import_status(self, request: Request, import_id: str) -> Response:
        from .selectors import access_employee_import

        job = access_employee_import(request.user, import_id)
        return Response(EmployeeImportSerializer(job).data)


def _errors_detail(count: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("The file has %(n)s error; nothing was imported.",
                    "The file has %(n)s errors; nothing was imported.", count) % {"n": count}
