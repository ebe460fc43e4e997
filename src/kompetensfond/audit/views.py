from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import FilterForm
from kompetensfond.core.pagination import page_by_ids
from kompetensfond.core.requests import query_without

from .selectors import audit_action_choices, audit_event_list


class AuditFilterForm(FilterForm):
    action = forms.CharField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(
        user=request.user,
        action=filters.get("action") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = page_by_ids(events, 50, request.GET.get("page"))
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "query": query_without(request, "page"),
        "actions": audit_action_choices(user=request.user),
    })
