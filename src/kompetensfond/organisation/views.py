from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.exports import TABLE_EXPORTS, download, table_download
from kompetensfond.core.forms import form_page, run_form
from kompetensfond.core.pagination import page_by_ids
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.requests import AuthenticatedHttpRequest, own_municipality, query_without
from kompetensfond.core.uploads import upload_too_large

from .forms import (
    EmployeeFilterForm,
    ImportConfirmForm,
    ImportMappingForm,
    ImportUploadForm,
    OrgUnitForm,
)
from .importing.reading import csv_template
from .importing.services import (
    employee_import_confirm,
    employee_import_remap,
    employee_import_validate,
    import_progress,
)
from .models import ImportStatus
from .permissions import can_manage_organisation, can_view_employees
from .selectors import (
    access_employee_import,
    access_org_unit,
    body_list,
    employee_import_list,
    employee_list,
    occupation_choices,
    occupation_list,
    org_unit_list,
    org_unit_tree,
)
from .services import org_unit_create, org_unit_deactivate, org_unit_update, staff_register_read

EMPLOYEES_PER_PAGE = 50
TREE_UNFOLDED_UP_TO = 300  # units shown at once on the overview


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = municipality_of(request.user)
    units = org_unit_tree(user=request.user)
    administrations = [u for u in units if u.depth == 0]
    chosen = next((a for a in administrations
                   if str(a.pk) == request.GET.get("forvaltning", "")), None)
    # a city has a thousand units: then the tree shows the administrations, and one
    # administration's units at a time (the headcounts stay those of the whole tree)
    folded = chosen is None and len(units) > TREE_UNFOLDED_UP_TO
    if chosen is not None:
        units = [u for u in units if u.path.startswith(chosen.path)]
    elif folded:
        units = administrations
    return render(request, "organisation/overview.html", {
        "bodies": body_list(user=request.user),
        "units": units, "folded": folded, "chosen": chosen,
        "can_manage": municipality is not None
        and bool(can_manage_organisation(request.user, municipality)),
    })


@login_required
def unit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = access_org_unit(request.user, pk)
    tree = [u for u in org_unit_tree(user=request.user, include_inactive=True)
            if u.path.startswith(unit.path)]
    return render(request, "organisation/unit_detail.html", {
        "unit": unit, "subtree": tree, "counts": tree[0] if tree else None,
        "can_manage": bool(can_manage_organisation(request.user, unit.municipality)),
    })


def _unit_form(request: AuthenticatedHttpRequest, data: Any = None,
               initial: Any = None) -> OrgUnitForm:
    return OrgUnitForm(data, initial=initial, units=org_unit_list(user=request.user),
                       bodies=body_list(user=request.user))


@login_required
def unit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    check(can_manage_organisation(request.user, municipality))
    form = _unit_form(request, request.POST or None,
                      initial={"parent": request.GET.get("parent")})
    done = run_form(request, form, lambda data: org_unit_create(
        actor=request.user, municipality=municipality, **data),
        success=_("The changes have been saved."),
        next_url=lambda unit: reverse("organisation:unit-detail", args=[unit.pk]))
    if done:
        return done
    return form_page(request, form, _("Add unit"), reverse("organisation:overview"))


@login_required
def unit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = access_org_unit(request.user, pk)
    check(can_manage_organisation(request.user, unit.municipality))
    initial = {"name": unit.name, "cost_centre": unit.cost_centre, "sector": unit.sector,
               "parent": unit.parent_id, "responsible_body": unit.responsible_body_id}
    form = _unit_form(request, request.POST or None, initial=initial)
    done = run_form(request, form, lambda data: org_unit_update(
        actor=request.user, unit=unit, name=data["name"],
        cost_centre=data["cost_centre"], sector=data["sector"],
        responsible_body=data["responsible_body"], parent=data["parent"],
        move=data["parent"] != unit.parent),
        success=_("The changes have been saved."),
        next_url=lambda _u: reverse("organisation:unit-detail", args=[unit.pk]))
    if done:
        return done
    return form_page(request, form, _("Edit %(name)s") % {"name": unit.name},
                     reverse("organisation:unit-detail", args=[unit.pk]))


@login_required
@require_POST
def unit_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = access_org_unit(request.user, pk)
    try:
        org_unit_deactivate(actor=request.user, unit=unit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The unit has been deactivated."))
    return redirect("organisation:unit-detail", unit.pk)


EXPORT_HEADER = ["anställningsnummer", "förnamn", "efternamn", "e-post", "kön", "ssyk",
                 "kostnadsställe", "sysselsättningsgrad", "anställd_från", "anställd_till"]
GENDER_EXPORT = {"woman": "kvinna", "man": "man", "other": "annat", "unknown": "uppgift saknas"}


@login_required
def employee_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    check(can_view_employees(request.user))
    form = EmployeeFilterForm(request.GET or None, units=org_unit_list(user=request.user),
                              occupations=occupation_choices())
    filters = form.cleaned_data if form.is_valid() else {}
    employees = employee_list(
        user=request.user, search=filters.get("q") or "", unit=filters.get("unit"),
        occupation=filters.get("occupation"), gender=filters.get("gender") or "",
        status=filters.get("status") or "active",
    )
    export = request.GET.get("export")
    staff_register_read(actor=request.user, municipality=own_municipality(request.user),
                        how=export if export in TABLE_EXPORTS else "page", filters=filters)
    if export in TABLE_EXPORTS:
        rows = ([e.employee_number, e.first_name, e.last_name, e.email,
                 GENDER_EXPORT[e.gender], e.occupation.ssyk_code if e.occupation else "",
                 e.unit.cost_centre, e.employment_rate, e.start_date, e.end_date]
                for e in employees.iterator(chunk_size=2000))
        return table_download(export, EXPORT_HEADER, rows, name="medarbetare",
                              sheet="Medarbetare")
    page = page_by_ids(employees, EMPLOYEES_PER_PAGE, request.GET.get("page"))
    municipality = municipality_of(request.user)
    return render(request, "organisation/employee_list.html", {
        "form": form, "page": page, "query": query_without(request, "page", "export"),
        "can_import": municipality is not None
        and bool(can_manage_organisation(request.user, municipality)),
    })


@login_required
def occupation_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    only_staffed = request.GET.get("alla") != "1"
    return render(request, "organisation/occupation_list.html", {
        "occupations": occupation_list(user=request.user, only_staffed=only_staffed),
        "only_staffed": only_staffed,
    })


@login_required
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    check(can_manage_organisation(request.user, municipality))
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES or None)
    if posted and upload_too_large(request):
        form.add_error(None, _("The file is larger than 20 MB."))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = employee_import_validate(
                actor=request.user, municipality=municipality,
                file_name=upload.name, content=upload.read(),
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("organisation:import-detail", job.pk)
    imports = employee_import_list(user=request.user)[:20]
    return render(request, "organisation/import_upload.html", {"form": form, "imports": imports})


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access_employee_import(request.user, pk)
    check(can_manage_organisation(request.user, job.municipality))
    mapping_form = ImportMappingForm(
        request.POST if request.POST.get("step") == "mapping" else None,
        header=job.header, initial_mapping={k: int(v) for k, v in job.mapping.items()},
    )
    confirm_form = ImportConfirmForm(request.POST if request.POST.get("step") == "confirm"
                                     else None)
    if request.method == "POST":
        try:
            if request.POST.get("step") == "mapping" and mapping_form.is_valid():
                employee_import_remap(actor=request.user, job=job,
                                      mapping=mapping_form.cleaned_data)
                return redirect("organisation:import-detail", job.pk)
            if request.POST.get("step") == "confirm" and confirm_form.is_valid():
                job = employee_import_confirm(
                    actor=request.user, job=job,
                    end_missing=confirm_form.cleaned_data["end_missing"])
                if job.status == ImportStatus.DONE:
                    messages.success(request, _("The staff file has been imported."))
                return redirect("organisation:import-detail", job.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("organisation:import-detail", job.pk)
    done, total = import_progress(job.pk)
    return render(request, "organisation/import_detail.html", {
        "job": job, "mapping_form": mapping_form, "confirm_form": confirm_form,
        "done": done, "total": total or job.row_count,
        "show_mapping": job.status in (ImportStatus.INVALID, ImportStatus.VALIDATED)
        and bool(job.header),
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    })


@login_required
def import_progress_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access_employee_import(request.user, pk)
    done, total = import_progress(job.pk)
    response = render(request, "organisation/_import_progress.html", {
        "job": job, "done": done, "total": total or job.row_count,
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    })
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        response["HX-Refresh"] = "true"  # finished: reload the page to show the result
    return response


@login_required
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return download(csv_template(), filename="personalfil-mall.csv", kind="csv")
