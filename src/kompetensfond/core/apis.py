"""The ``/api/v1/me/`` endpoint."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kompetensfond.core.text import ApiTextField

from .permissions import membership_of, roles_of


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = ApiTextField()
    name = ApiTextField()
    email = serializers.EmailField()
    municipality = serializers.DictField()
    roles = serializers.ListField(child=serializers.DictField())


class MeApi(APIView):
    @extend_schema(responses=MeSerializer, summary="The user, their municipality and roles")
    def get(self, request: Request) -> Response:
        membership = membership_of(request.user)
        if membership is None:  # IsMunicipalityMember lets no one else through
            raise PermissionDenied
        return Response(
            {
                "username": request.user.get_username(),
                "name": request.user.get_full_name(),  # type: ignore[union-attr]
                "email": request.user.email,  # type: ignore[union-attr]
                "municipality": {
                    "id": membership.municipality.pk,
                    "name": membership.municipality.name,
                    "slug": membership.municipality.slug,
                    "organisation_number": membership.municipality.organisation_number,
                },
                "roles": [
                    {"role": a.role, "label": a.get_role_display(), "unit": a.unit_id}
                    for a in membership.roles.all()
                ],
                "role_codes": sorted(roles_of(request.user)),
            }
        )
