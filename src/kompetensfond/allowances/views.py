"""Pages: schemes (list, create with a preview, detail with uptake), the employee's own
allowance and claims, a claim with the manager's decision and the case officer's payment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.forms import add_domain_error
from kompetensfond.core.money import format_money
from kompetensfond.core.permissions import check, has_role
from kompetensfond.core.requests import AuthenticatedHttpRequest, own_municipality, query_without
from kompetensfond.core.uploads import upload_too_large
from kompetensfond.funds.permissions import can_manage_funds
from kompetensfond.organisation.selectors import employee_of
from kompetensfond.reports.selectors import percent_of
from kompetensfond.reports.tables import COUNT, MONEY, PERCENT, Column, Table
from kompetensfond.reports.views import table_response

from .forms import (
    UPTAKE_LABELS,
    AllowanceFilterForm,
    ClaimFilterForm,
    ClaimForm,
    ClaimPaymentForm,
    DecisionForm,
    SchemeForm,
    UptakeForm,
)
from .models import AllowanceStatus, ClaimStatus, SchemeStatus
from .permissions import can_claim, can_decide_claim, can_pay_claims
from .rules import ZERO
from .selectors import (
    access_allowance,
    access_claim,
    access_scheme,
    allowance_list,
    claim_list,
    claims_waiting_for,
    my_allowances,
    scheme_figures,
    scheme_list,
    spending,
    uptake,
    with_remaining,
)
from .services import (
    MAX_RECEIPT,
    ClaimInput,
    SchemeInput,
    claim_approve,
    claim_pay,
    claim_reject,
    claim_submit,
    scheme_create,
    scheme_expire,
    scheme_preview,
    scheme_update_from_register,
)

PER_PAGE = 50


@login_required
def scheme_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    schemes = list(scheme_list(user=request.user))
    for scheme in schemes:
        scheme.figures = scheme_figures(scheme)  # type: ignore[attr-defined]
    return render(request, "allowances/scheme_list.html", {
        "schemes": schemes,
        "can_create": bool(can_manage_funds(request.user, own_municipality(request.user)))})


@login_required
def scheme_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    check(can_manage_funds(request.user, municipality))
    today = timezone.localdate()
    form = SchemeForm(request.POST or None, municipality=municipality, initial={
        "period_start": today.replace(month=1, day=1),
        "period_end": today.replace(month=12, day=31),
        "expiry_date": today.replace(month=12, day=31),
        "cutoff_date": today})
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                preview = scheme_preview(actor=request.user, fund=data["fund"],
                                         data=SchemeInput.of(data))
            else:
                scheme = scheme_create(actor=request.user, fund=data["fund"],
                                       data=SchemeInput.of(data))
                messages.success(request, _("The scheme has been created and its allowances "
                                            "reserved in the fund."))
                return redirect("allowances:scheme", scheme.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "allowances/scheme_form.html", {"form": form, "preview": preview})


@login_required
def scheme_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = access_scheme(request.user, pk)
    filters = AllowanceFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    allowances = allowance_list(user=request.user, scheme=scheme, search=values.get("q", ""),
                                status=values.get("status", "")).order_by(
        "employee__last_name", "employee__first_name", "pk")
    page = Paginator(allowances, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "allowances/scheme_detail.html", {
        "scheme": scheme, "figures": scheme_figures(scheme), "filters": filters,
        "page": page, "allowances": with_remaining(page.object_list),
        "query": query_without(request, "page"),
        "can_manage": bool(can_manage_funds(request.user, own_municipality(request.user))),
        "can_expire": scheme.status == SchemeStatus.ACTIVE and today > scheme.expiry_date,
        "is_active": scheme.status == SchemeStatus.ACTIVE,
        "spending": spending(request.user, scheme),
        "claims_to_pay": claim_list(user=request.user, scheme=scheme,
                                    status=ClaimStatus.APPROVED)[:100]})


def _post(request: AuthenticatedHttpRequest, action: Any, success: str, target: str,
          pk: int) -> HttpResponse:
    """Run a POST's service through ``action``: its refusal as an error message, else
    ``success`` (or the text ``action`` returns)."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, result if isinstance(result, str) and result else success)
    return redirect(target, pk)


@login_required
@require_POST
def scheme_update_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = access_scheme(request.user, pk)

    def run() -> str:
        result = scheme_update_from_register(actor=request.user, scheme=scheme)
        return _("%(added)s new hires added, %(forfeited)s leavers' allowances forfeited.") % {
            "added": len(result.added), "forfeited": len(result.forfeited)}
    return _post(request, run, "", "allowances:scheme", scheme.pk)


@login_required
@require_POST
def scheme_expire_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = access_scheme(request.user, pk)

    def run() -> str:
        released = scheme_expire(actor=request.user, scheme=scheme)
        return _("The scheme has expired; %(amount)s went back to the fund.") % {
            "amount": format_money(released)}
    return _post(request, run, "", "allowances:scheme", scheme.pk)


@login_required
def uptake_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = access_scheme(request.user, pk)
    form = UptakeForm(request.GET or None)
    by = (form.cleaned_data.get("by") if form.is_valid() else "") or "unit"
    rows = uptake(request.user, scheme, by)
    table = Table(
        title=_("Uptake of %(name)s") % {"name": scheme.name},
        caption=_("Allowances per %(group)s: given, used (approved or paid), returned to the "
                  "fund, and employees who used none") % {"group": str(UPTAKE_LABELS[by]).lower()},
        columns=[Column(str(UPTAKE_LABELS[by]), by),
                 Column(_("Employees"), "employees", COUNT),
                 Column(_("Allowances"), "allocated", MONEY),
                 Column(_("Used"), "used", MONEY),
                 Column(_("Share used"), "share_used", PERCENT),
                 Column(_("Returned to the fund"), "released", MONEY),
                 Column(_("Used none"), "unused_employees", COUNT)],
        rows=[[r.label, r.employees, r.allocated, r.used, r.share_used, r.released,
               r.unused_employees] for r in rows],
        chart={"labels": [r.label for r in rows],
               "datasets": [{"label": _("Allowances"), "data": [str(r.allocated) for r in rows]},
                            {"label": _("Used"), "data": [str(r.used) for r in rows]}]})
    if rows:
        allocated = sum((r.allocated for r in rows), ZERO)
        used = sum((r.used for r in rows), ZERO)
        table.footer = [_("Total"), sum(r.employees for r in rows), allocated, used,
                        percent_of(used, allocated), sum((r.released for r in rows), ZERO),
                        sum(r.unused_employees for r in rows)]
    spent = spending(request.user, scheme)
    if spent:
        table.notes = [_("Spent on: %(kinds)s.") % {"kinds": "; ".join(
            f"{label} {format_money(amount)} ({n})" for label, n, amount in spent)}]
    return table_response(request, table, form=form, filters={"by": UPTAKE_LABELS[by]},
                          name=f"kompetenspeng-utnyttjande-{scheme.pk}")


# -- the employee ----------------------------------------------------------------------

@login_required
def my_allowance_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    allowances = my_allowances(request.user)
    claims = list(claim_list(user=request.user).filter(
        allowance__employee=employee_of(request.user))) if allowances else []
    return render(request, "allowances/mine.html", {
        "allowances": allowances, "claims": claims, "employee": employee_of(request.user),
        "form": ClaimForm(), "today": timezone.localdate()})


@login_required
def claim_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    allowance = access_allowance(request.user, pk)
    check(can_claim(request.user, allowance))
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if upload_too_large(request):
            form.add_error("receipt", _("The receipt is larger than 5 MB."))
        elif form.is_valid():
            data = form.cleaned_data
            upload = data["receipt"]
            if upload.size and upload.size > MAX_RECEIPT:
                form.add_error("receipt", _("The receipt is larger than 5 MB."))
            else:
                try:
                    claim = claim_submit(actor=request.user, allowance=allowance, data=ClaimInput(
                        activity=data["activity"], provider=data["provider"],
                        category=data["category"], start_date=data["start_date"],
                        end_date=data["end_date"], cost=data["cost"],
                        development_plan=data["development_plan"],
                        receipt_name=upload.name or "", receipt=upload.read()))
                except DomainError as exc:
                    add_domain_error(form, exc)
                else:
                    messages.success(request, _("Your claim has been sent to your manager."))
                    return redirect("allowances:claim", claim.pk)
    allowance.left = with_remaining(  # type: ignore[attr-defined]
        allowance_list(user=request.user).filter(pk=allowance.pk))[0].left
    return render(request, "allowances/claim_form.html", {"form": form, "allowance": allowance})


# -- claims ----------------------------------------------------------------------------

@login_required
def claim_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = ClaimFilterForm(request.GET or None)
    status = filters.cleaned_data.get("status", "") if filters.is_valid() else ""
    page = Paginator(claim_list(user=request.user, status=status), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "allowances/claim_list.html", {
        "filters": filters, "page": page, "query": query_without(request, "page"),
        "waiting": claims_waiting_for(request.user)})


@login_required
def claim_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = access_claim(request.user, pk)
    user = request.user
    can_decide = claim.status == ClaimStatus.SUBMITTED and bool(can_decide_claim(user, claim))
    can_pay = (claim.status == ClaimStatus.APPROVED
               and bool(can_pay_claims(user, claim.allowance.scheme.municipality_id)))
    return render(request, "allowances/claim_detail.html", {
        "claim": claim, "can_decide": can_decide, "can_pay": can_pay,
        "decision_form": DecisionForm(prefix="decision"),
        "payment_form": ClaimPaymentForm(prefix="payment",
                                         initial={"on": timezone.localdate()})})


@login_required
def claim_receipt_view(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    claim = access_claim(request.user, pk)
    return FileResponse(claim.receipt.open("rb"), content_type=claim.receipt_type,
                        as_attachment=True, filename=claim.receipt_name)


def _decide(request: AuthenticatedHttpRequest, pk: int, approve: bool) -> HttpResponse:
    claim = access_claim(request.user, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        messages.error(request, _("Check the comment: %(errors)s") % {
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
        return redirect("allowances:claim", claim.pk)
    comment = form.cleaned_data["comment"]
    if approve:
        return _post(request, lambda: claim_approve(actor=request.user, claim=claim,
                                                    comment=comment),
                     _("The claim has been approved."), "allowances:claim", claim.pk)
    return _post(request, lambda: claim_reject(actor=request.user, claim=claim,
                                               reason=comment),
                 _("The claim has been rejected."), "allowances:claim", claim.pk)


@login_required
@require_POST
def claim_approve_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def claim_reject_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@login_required
@require_POST
def claim_pay_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = access_claim(request.user, pk)
    form = ClaimPaymentForm(request.POST, prefix="payment")
    if not form.is_valid():
        messages.error(request, _("Enter the payment date and the voucher number."))
        return redirect("allowances:claim", claim.pk)
    data = form.cleaned_data
    return _post(request, lambda: claim_pay(actor=request.user, claim=claim, on=data["on"],
                                            voucher=data["voucher"]),
                 _("The payment has been registered."), "allowances:claim", claim.pk)


def home_context(user: Any) -> dict[str, Any]:
    """What the home page shows of allowances: the employee's own, the manager's queue."""
    out: dict[str, Any] = {}
    if has_role(user, "employee"):
        out["my_allowances"] = [a for a in my_allowances(user)
                                if a.status == AllowanceStatus.ACTIVE]
    if has_role(user, "unit_manager"):
        out["claims_waiting"] = claims_waiting_for(user)
    return out
