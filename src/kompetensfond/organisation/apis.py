from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kompetensfond.core.permissions import municipality_of

from .models import Body, BodyKind, OrgUnit
from .selectors import body_list, org_unit_list
from .services import body_create


class BodySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Body
        fields = ["id", "name", "short_name", "kind", "parent", "is_active"]


class BodyCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=150)
    short_name = serializers.CharField(max_length=20, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=BodyKind.choices)
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]


class OrgUnitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "cost_centre", "sector", "responsible_body",
                  "manager", "is_active", "depth"]


class BodyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = BodySerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Body.objects.none()
        return body_list(user=self.request.user)

    @extend_schema(request=BodyCreateSerializer, responses={201: BodySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = BodyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent_id = data.validated_data.get("parent")
        parent = self.get_queryset().get(pk=parent_id) if parent_id else None
        body = body_create(
            actor=request.user,  # type: ignore[arg-type]
            municipality=municipality_of(request.user),  # type: ignore[arg-type]
            name=data.validated_data["name"],
            short_name=data.validated_data.get("short_name", ""),
            kind=data.validated_data["kind"],
            parent=parent,
        )
        return Response(BodySerializer(body).data, status=status.HTTP_201_CREATED)


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = OrgUnitSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return OrgUnit.objects.none()
        return org_unit_list(user=self.request.user, include_inactive=True)
