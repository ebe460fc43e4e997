"""Pages: a payment registered from the application page; the follow-up report form; the
case officer's acceptance."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kompetensfond.applications.permissions import (
    can_change_application,
    can_handle,
    can_handle_applications,
)
from kompetensfond.applications.views._common import form_action, run_reported
from kompetensfond.core.errors import DomainError
from kompetensfond.core.forms import add_domain_error
from kompetensfond.core.money import format_money
from kompetensfond.core.permissions import check
from kompetensfond.core.requests import AuthenticatedHttpRequest, own_municipality
from kompetensfond.core.uploads import upload_too_large
from kompetensfond.plans.selectors import guideline_of

from .forms import FollowUpForm, PaymentFileForm, PaymentForm
from .models import FollowUpStatus
from .selectors import access_follow_up
from .services import (
    follow_up_accept,
    follow_up_submit,
    payment_import,
    payment_import_check,
    payment_register,
)


@login_required
@require_POST
def payment_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_action(request, pk, PaymentForm, lambda a, d: payment_register(
        actor=request.user, application=a, amount=d["amount"], on=d["on"],
        voucher=d["voucher"]), _("The payment has been registered."), prefix="payment")


def _cost_types(follow_up: object) -> list[str]:
    application = follow_up.application  # type: ignore[attr-defined]
    guideline = guideline_of(application.fund)
    budgeted = list(application.budget_lines.values_list("cost_type", flat=True).distinct())
    eligible = list(guideline.eligible_cost_types) if guideline else []
    return list(dict.fromkeys([*budgeted, *eligible]))


@login_required
def follow_up_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = access_follow_up(request.user, pk)
    application = follow_up.application
    can_report = (follow_up.status != FollowUpStatus.ACCEPTED
                  and bool(can_change_application(request.user, application)))
    initial = {f"cost_{k}": v for k, v in follow_up.costs.items()}
    initial.update({field: getattr(follow_up, field) for field in (
        "started_women", "started_men", "started_other", "completed_women", "completed_men",
        "completed_other", "dropped_women", "dropped_men", "dropped_other", "narrative")})
    for n, q in enumerate(follow_up.qualifications.select_related(
            "occupation_from", "occupation_to"), start=1):
        initial.update({f"q{n}_from": q.occupation_from.ssyk_code,
                        f"q{n}_to": q.occupation_to.ssyk_code, f"q{n}_count": q.count})
    form = FollowUpForm(request.POST or None, initial=initial,
                        cost_types=_cost_types(follow_up))
    if request.method == "POST":
        check(can_change_application(request.user, application))
        if form.is_valid():
            try:
                follow_up_submit(actor=request.user, follow_up=follow_up, costs=form.costs(),
                                 people=form.people(), narrative=form.cleaned_data["narrative"],
                                 qualifications=form.qualifications())
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The report has been submitted."))
                return redirect("applications:detail", application.pk)
    return render(request, "followup/follow_up.html", {
        "follow_up": follow_up, "application": application, "form": form,
        "can_report": can_report,
        "can_accept": follow_up.status == FollowUpStatus.SUBMITTED
        and bool(can_handle(request.user, application)),
        "named": application.named_participants.select_related("occupation"),
        "today": timezone.localdate()})


@login_required
@require_POST
def follow_up_accept_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = access_follow_up(request.user, pk)
    run_reported(request, lambda: follow_up_accept(actor=request.user, follow_up=follow_up),
                 _("The report has been accepted."))
    return redirect("applications:detail", follow_up.application_id)


PAYMENT_FILE_SALT = "kompetensfond.payment-import"
PAYMENT_FILE_MAX_AGE = 3600  # a preview is confirmed within the hour


@login_required
def payment_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a payment file, see every row checked (nothing written), then confirm: all
    payments are registered, or none. The checked file travels signed in the confirm form
    (it holds vouchers, dates, amounts and case numbers, no personal data)."""
    check(can_handle_applications(request.user, own_municipality(request.user)))
    form = PaymentFileForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and "confirm" in request.POST:
        try:
            content = signing.loads(request.POST.get("content", ""), salt=PAYMENT_FILE_SALT,
                                    max_age=PAYMENT_FILE_MAX_AGE).encode("latin-1")
        except signing.BadSignature:
            return render(request, "followup/payment_import.html", {
                "form": PaymentFileForm(), "problems": [
                    _("The preview is too old or was changed. Upload the file again.")]})
        try:
            payments = payment_import(actor=request.user, content=content)
        except DomainError as exc:
            problems = exc.fields.get("file", [])
            context = {"form": PaymentFileForm(),
                       "problems": [exc.message, *[p for p in problems if p != exc.message]]}
        else:
            messages.success(request, ngettext(
                "%(n)s payment of %(total)s was registered.",
                "%(n)s payments of %(total)s were registered.", len(payments))
                % {"n": len(payments),
                   "total": format_money(sum((p.amount for p in payments), Decimal(0)))})
            return redirect("followup:payment-import")
    elif request.method == "POST":
        if upload_too_large(request):
            form.add_error(None, _("A payment file can be at most 1 MB."))
        elif form.is_valid():
            content = form.cleaned_data["file"].read()
            try:
                plan = payment_import_check(actor=request.user, content=content)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                context["plan"] = plan
                if plan.ok:
                    context["signed"] = signing.dumps(content.decode("latin-1"),
                                                      salt=PAYMENT_FILE_SALT, compress=True)
    return render(request, "followup/payment_import.html", context)
