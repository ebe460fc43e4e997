"""Meeting pages: the list, a meeting's agenda put together item by item, decisions per
item with their §, delegated decisions reported, the § numbering, and the approval of the
minutes, after which the page only shows the record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kompetensfond.core.errors import DomainError
from kompetensfond.core.exports import TABLE_EXPORTS, table_download
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.core.requests import AuthenticatedHttpRequest, query_without
from kompetensfond.ledger.permissions import can_view_ledger
from kompetensfond.organisation.selectors import body_list, paragraph_last
from kompetensfond.organisation.services import paragraph_counter_set

from ..documents import decision_basis_pdf
from ..forms import (
    AgendaAddForm,
    MeetingDecisionForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesApproveForm,
    ParagraphCounterForm,
)
from ..models import AgendaItem, Decision, Meeting, Status
from ..permissions import can_record_decisions
from ..selectors import (
    agenda_candidates,
    meeting_agenda,
    meeting_list,
    unreported_delegated_decisions,
)
from ..services import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    decision_record,
    delegated_decisions_report,
    meeting_create,
    minutes_approve,
)
from ._common import errors_as_messages, pdf_response, run_reported


@dataclass
class ItemRow:
    """An agenda item on the meeting page: its decision at this meeting, if taken, and the
    form to record it while it can be."""

    item: AgendaItem
    decision: Decision | None
    form: MeetingDecisionForm | None


@login_required
def meeting_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    check(can_view_ledger(request.user))
    municipality = municipality_of(request.user)
    bodies = body_list(user=request.user)
    filters_form = MeetingFilterForm(request.GET or None, bodies=bodies)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    meetings = meeting_list(user=request.user, filters=filters)
    export = request.GET.get("export")
    if export in TABLE_EXPORTS:
        rows = ([m.date, m.body.name, m.item_count, m.approved_on or ""]
                for m in meetings.iterator(chunk_size=2000))
        return table_download(export, ["datum", "organ", "ärenden", "justerat"], rows,
                              name="sammantraden", sheet="Sammanträden")
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(request, "applications/meeting_list.html", {
        "page": page, "filters": filters_form, "query": query_without(request, "page", "export"),
        "can_record": municipality is not None
        and bool(can_record_decisions(request.user, municipality)),
        "form": MeetingForm(bodies=body_list(user=request.user)),
    })


@login_required
@require_POST
def meeting_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST, bodies=body_list(user=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose the body and the date of the meeting."))
        return redirect("applications:meetings")
    try:
        meeting = meeting_create(actor=request.user, body=form.cleaned_data["body"],
                                 on=form.cleaned_data["date"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:meetings")
    return redirect("applications:meeting", meeting.pk)


def _meeting(request: AuthenticatedHttpRequest, pk: int) -> Meeting:
    check(can_view_ledger(request.user))
    return get_object_or_404(meeting_list(user=request.user), pk=pk)


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    can_record = bool(can_record_decisions(request.user, meeting.body.municipality))
    editable = can_record and not meeting.is_approved
    held = meeting.date <= timezone.localdate()
    items = []
    for item in meeting_agenda(meeting):
        decision = getattr(item.application, "decision", None)
        here = decision if decision and decision.meeting_id == meeting.pk else None
        form = (MeetingDecisionForm(prefix=f"item-{item.pk}")
                if editable and held and here is None
                and item.application.status == Status.RECOMMENDED else None)
        items.append(ItemRow(item, here, form))
    return render(request, "applications/meeting_detail.html", {
        "meeting": meeting, "items": items, "can_record": can_record, "editable": editable,
        "held": held,
        "add_form": AgendaAddForm(candidates=agenda_candidates(meeting)) if editable else None,
        "approve_form": MinutesApproveForm(initial={"on": timezone.localdate()})
        if editable and held else None,
        "counter_form": ParagraphCounterForm(initial={"last_number": paragraph_last(
            meeting.body, meeting.date.year)}) if editable else None,
        "last_paragraph": paragraph_last(meeting.body, meeting.date.year),
        "unreported": unreported_delegated_decisions(meeting) if editable else [],
        "reported": meeting.reported_decisions.select_related("application"),
    })


def _run(request: AuthenticatedHttpRequest, meeting: Meeting, call: Any,
         success: str) -> HttpResponse:
    run_reported(request, call, success)
    return redirect("applications:meeting", meeting.pk)


def _with_form(request: AuthenticatedHttpRequest, meeting: Meeting, form: Any,
               call: Any, success: str) -> HttpResponse:
    """Validate a small form on the meeting page, then run the service with its data."""
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("applications:meeting", meeting.pk)
    return _run(request, meeting, lambda: call(form.cleaned_data), success)


@login_required
@require_POST
def agenda_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AgendaAddForm(request.POST, candidates=agenda_candidates(meeting))
    return _with_form(request, meeting, form, lambda d: agenda_item_add(
        actor=request.user, meeting=meeting, application=d["application"]),
        _("The application has been put on the agenda."))


@login_required
@require_POST
def agenda_remove_view(request: AuthenticatedHttpRequest, pk: int,
                       item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    return _run(request, meeting, lambda: agenda_item_remove(actor=request.user, item=item),
                _("The item has been taken off the agenda."))


@login_required
@require_POST
def agenda_move_view(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    up = request.POST.get("direction") == "up"
    return _run(request, meeting, lambda: agenda_item_move(actor=request.user, item=item, up=up),
                _("The agenda order has been changed."))


@login_required
@require_POST
def item_decide_view(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    item = get_object_or_404(meeting.items.select_related("application"), pk=item_pk)
    form = MeetingDecisionForm(request.POST, prefix=f"item-{item.pk}")
    return _with_form(request, meeting, form, lambda d: decision_record(
        actor=request.user, application=item.application, meeting=meeting, **d),
        _("The decision has been recorded."))


@login_required
@require_POST
def minutes_approve_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _with_form(request, meeting, MinutesApproveForm(request.POST), lambda d: minutes_approve(
        actor=request.user, meeting=meeting, on=d["on"]),
        _("The minutes have been approved. The meeting is now a closed record."))


@login_required
@require_POST
def paragraph_counter_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _with_form(request, meeting, ParagraphCounterForm(request.POST),
                      lambda d: paragraph_counter_set(
                          actor=request.user, body=meeting.body, year=meeting.date.year,
                          last_number=d["last_number"]),
                      _("The § numbering has been set."))


@login_required
def decision_basis_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return pdf_response(decision_basis_pdf(meeting, list(meeting_agenda(meeting))),
                        f"beslutsunderlag-{meeting.date.isoformat()}.pdf")


@login_required
@require_POST
def report_delegated_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    decisions = list(unreported_delegated_decisions(meeting).filter(
        pk__in=[p for p in request.POST.getlist("decisions") if p.isdigit()]))
    if not decisions:
        messages.error(request, _("Choose the delegated decisions to report."))
        return redirect("applications:meeting", meeting.pk)
    try:
        count = delegated_decisions_report(actor=request.user, meeting=meeting,
                                           decisions=decisions)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext("%(count)s delegated decision has been reported.",
                                           "%(count)s delegated decisions have been reported.",
                                           count) % {"count": count})
    return redirect("applications:meeting", meeting.pk)
