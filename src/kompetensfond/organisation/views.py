from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import access_org_unit, body_list, org_unit_tree


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "organisation/overview.html", {
        "bodies": body_list(user=request.user),
        "units": org_unit_tree(user=request.user),
    })


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_org_unit(request.user, pk)
    return render(request, "organisation/unit_detail.html", {"unit": unit})
