from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.core.errors import DomainError
from kompetensfond.core.exports import TABLE_EXPORTS, table_download
from kompetensfond.core.forms import add_domain_error, form_page, run_form
from kompetensfond.core.pagination import page_by_ids
from kompetensfond.core.permissions import check
from kompetensfond.core.requests import AuthenticatedHttpRequest, own_municipality, query_without
from kompetensfond.funds.permissions import can_manage_funds
from kompetensfond.funds.selectors import access_fund, earmark_list
from kompetensfond.organisation.selectors import org_unit_list

from .forms import LedgerFilterForm, ReverseForm, SieAccountForm
from .models import LedgerTransaction
from .permissions import can_post_to_ledger, can_view_ledger
from .selectors import access_transaction, transaction_entries, transaction_list
from .services import sie_accounts_set, transaction_reverse
from .sie import ACCOUNT_LABELS, account_plan, sie_bytes, sie_filename

PER_PAGE = 50
EXPORT_HEADER = ["verifikation", "datum", "typ", "text", "belopp", "öronmärkning",
                 "kostnadsställe", "enhet", "källa", "rättar", "rättad_av", "registrerad_av",
                 "registrerad"]


def _export_rows(transactions: Any) -> Any:
    for t in transactions:
        corrected_by = getattr(t, "reversed_by", None)
        yield [t.pk, t.date, t.get_kind_display(), t.text, t.amount,
               t.earmark.name if t.earmark else "",
               t.org_unit.cost_centre if t.org_unit else "",
               t.org_unit.name if t.org_unit else "",
               f"{t.source_type} {t.source_id}".strip(), t.reverses_id or "",
               corrected_by.pk if corrected_by else "",
               t.actor.get_username() if t.actor else "",
               timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M")]


@login_required
def ledger_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_view_ledger(request.user))
    administrations = org_unit_list(user=request.user).filter(depth=0)
    form = LedgerFilterForm(request.GET or None, administrations=administrations,
                            earmarks=earmark_list(fund))
    filters = form.cleaned_data if form.is_valid() else {}
    earmark = filters.get("earmark")
    chosen: dict[str, Any] = {
        "kind": filters.get("kind") or "", "start": filters.get("start"),
        "end": filters.get("end"), "administration": filters.get("administration"),
        "earmark_id": earmark.pk if earmark else None}
    transactions = transaction_list(fund, **chosen).select_related("reversed_by")
    export = request.GET.get("export")
    if export in TABLE_EXPORTS:
        rows = _export_rows(transactions.iterator(chunk_size=2000))
        return table_download(export, EXPORT_HEADER, rows, name=f"huvudbok-fond-{fund.pk}",
                              sheet="Huvudbok")
    bare = transaction_list(fund, **chosen, with_amounts=False)
    page = page_by_ids(transactions, PER_PAGE, request.GET.get("page"),
                       ids=bare.values_list("pk", flat=True))
    years = range(fund.start_date.year, max(fund.end_date.year, timezone.localdate().year) + 1)
    return render(request, "ledger/ledger_list.html", {
        "fund": fund, "form": form, "page": page, "query": query_without(request, "page", "export"),
        "years": years, "default_year": min(timezone.localdate().year, fund.end_date.year),
    })


@login_required
def transaction_detail(request: AuthenticatedHttpRequest, pk: int, txn_pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_view_ledger(request.user))
    txn = access_transaction(fund, txn_pk)
    can_reverse = (bool(can_post_to_ledger(request.user, fund)) and txn.reverses_id is None
                   and not LedgerTransaction.objects.filter(reverses=txn).exists())
    form = ReverseForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST":
        check(can_post_to_ledger(request.user, fund))
        if form.is_valid():
            try:
                correction = transaction_reverse(
                    actor=request.user, transaction=txn,
                    reason=form.cleaned_data["reason"], on=form.cleaned_data["on"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The correction has been recorded."))
                return redirect("ledger:transaction", fund.pk, correction.pk)
    return render(request, "ledger/transaction_detail.html", {
        "fund": fund, "txn": txn, "entries": transaction_entries(txn),
        "corrected_by": LedgerTransaction.objects.filter(reverses=txn).first(),
        "form": form, "can_reverse": can_reverse,
    })


@login_required
def sie_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fund = access_fund(request.user, pk)
    check(can_view_ledger(request.user))
    try:
        year = int(request.GET.get("ar", ""))
    except ValueError:
        year = 0
    if not fund.start_date.year <= year <= max(fund.end_date.year, timezone.localdate().year):
        messages.error(request, _("Choose a year within the fund's period."))
        return redirect("ledger:list", fund.pk)
    content = sie_bytes(fund, year, generated_by=request.user.get_username())
    response = HttpResponse(content, content_type="text/plain; charset=IBM437")
    response["Content-Disposition"] = f'attachment; filename="{sie_filename(fund, year)}"'
    return response


@login_required
def sie_accounts(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    check(can_manage_funds(request.user, municipality))
    plan = account_plan(municipality.pk)
    kinds = {kind: str(label) for kind, label in ACCOUNT_LABELS.items()}
    initial = {}
    for kind in kinds:
        initial[f"{kind}_number"] = plan[kind].number
        initial[f"{kind}_name"] = plan[kind].name
    form = SieAccountForm(request.POST or None, initial=initial, kinds=kinds)
    done = run_form(request, form, lambda data: sie_accounts_set(
        actor=request.user, municipality=municipality,
        accounts={k: (data[f"{k}_number"], data[f"{k}_name"]) for k in kinds}),
        success=_("The changes have been saved."),
        next_url=lambda _r: reverse("ledger:sie-accounts"))
    if done:
        return done
    return form_page(request, form, _("Accounts for the SIE export"), reverse("funds:list"),
                     _("The account numbers and names the SIE 4I file uses for the fund's "
                       "accounts. Ask the finance department which accounts the fund is "
                       "booked on."))
