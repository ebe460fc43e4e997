"""Meetings as records: planned ahead, an agenda put together item by item, delegated
decisions reported, and the minutes approved (justerat), after which nothing changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.permissions import check
from kompetensfond.core.services import service
from kompetensfond.organisation.models import Body

from ..codes import AuditAction, ErrorCode
from ..models import AgendaItem, Application, Decision, Meeting, Status
from ..permissions import can_record_decisions
from ..selectors import requested_amount, score_of
from ._common import _lock_application


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (Meeting.objects.select_for_update(of=("self",)).select_related(
        "body", "body__municipality").get(pk=meeting.pk))


def _require_open_minutes(meeting: Meeting) -> None:
    """Refuse any change to a meeting whose minutes are approved."""
    if meeting.is_approved:
        raise ConflictError(_("The minutes of %(meeting)s are approved: the meeting can no "
                              "longer change.") % {"meeting": meeting},
                            code=ErrorCode.MEETING_APPROVED)


@service
def meeting_create(*, actor: Actor, body: Body, on: date) -> Meeting:
    """A meeting of ``body`` on ``on`` (it may be planned ahead); the existing one if the
    body already meets that day."""
    check(can_record_decisions(actor, body.municipality))
    meeting, created = Meeting.objects.get_or_create(body=body, date=on)
    record_event(actor=actor, action=AuditAction.MEETING_CREATED if created
                 else AuditAction.MEETING_REUSED, obj=meeting,
                 municipality=body.municipality, changes={"date": on})
    return meeting


@service
def agenda_item_add(*, actor: Actor, meeting: Meeting,
                    application: Application) -> AgendaItem:
    """Put an application with a proposed decision on the agenda of a meeting of the body
    that owns its fund, last in order, with the proposal as it stands now."""
    meeting = _lock_meeting(meeting)
    check(can_record_decisions(actor, meeting.body.municipality))
    _require_open_minutes(meeting)
    application = _lock_application(application)
    if application.municipality_id != meeting.body.municipality_id:
        raise ValidationError(_("The meeting belongs to another municipality."))
    if application.fund.owning_body_id != meeting.body_id:
        raise ConflictError(_("%(body)s does not decide on the fund %(fund)s.")
                            % {"body": meeting.body.name, "fund": application.fund.name},
                            code=ErrorCode.MEETING_OTHER_BODY)
    if application.status != Status.RECOMMENDED:
        raise ConflictError(_("Only an application with a proposed decision can be put on the "
                              "agenda."), code=ErrorCode.ILLEGAL_TRANSITION)
    if meeting.items.filter(application=application).exists():
        raise ConflictError(_("The application is already on the agenda."),
                            code=ErrorCode.ALREADY_ON_AGENDA)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting, application=application, position=last + 1,
        proposal=application.recommendation,
        proposed_amount=application.recommended_amount or 0,
        proposal_reason=application.recommendation_reason,
        requested=requested_amount(application), score=score_of(application),
        added_by=user_or_none(actor))
    record_event(actor=actor, action=AuditAction.AGENDA_ITEM_ADDED, obj=meeting,
                 municipality=meeting.body.municipality,
                 changes={"application": application.pk, "position": item.position})
    return item


@service
def agenda_item_remove(*, actor: Actor, item: AgendaItem) -> Meeting:
    """Take an undecided item off the agenda; the items after it move up."""
    meeting = _lock_meeting(item.meeting)
    check(can_record_decisions(actor, meeting.body.municipality))
    _require_open_minutes(meeting)
    item = meeting.items.select_related("application").get(pk=item.pk)
    if Decision.objects.filter(application_id=item.application_id, meeting=meeting).exists():
        raise ConflictError(_("The item is decided and stays on the agenda."),
                            code=ErrorCode.ILLEGAL_TRANSITION)
    position = item.position
    item.delete()
    for later in meeting.items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    record_event(actor=actor, action=AuditAction.AGENDA_ITEM_REMOVED, obj=meeting,
                 municipality=meeting.body.municipality,
                 changes={"application": item.application_id, "position": position})
    return meeting


@service
def agenda_item_move(*, actor: Actor, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with the one before (``up``) or after it."""
    meeting = _lock_meeting(item.meeting)
    check(can_record_decisions(actor, meeting.body.municipality))
    _require_open_minutes(meeting)
    item = meeting.items.get(pk=item.pk)
    other = meeting.items.filter(position=item.position + (-1 if up else 1)).first()
    if other is None:
        return _item_unchanged(actor, meeting, item)
    first, second = item.position, other.position
    item.position = 0  # free the number: positions are unique per meeting
    item.save(update_fields=["position"])
    other.position = first
    other.save(update_fields=["position"])
    item.position = second
    item.save(update_fields=["position"])
    record_event(actor=actor, action=AuditAction.AGENDA_ITEM_MOVED, obj=meeting,
                 municipality=meeting.body.municipality,
                 changes={"application": item.application_id, "position": [first, second]})
    return item


def _item_unchanged(actor: Actor, meeting: Meeting, item: AgendaItem) -> AgendaItem:
    """First or last already: the order stays as it is (recorded as a request)."""
    record_event(actor=actor, action=AuditAction.AGENDA_ITEM_MOVED, obj=meeting,
                 municipality=meeting.body.municipality,
                 changes={"application": item.application_id,
                          "position": [item.position, item.position]})
    return item


@service
def minutes_approve(*, actor: Actor, meeting: Meeting, on: date | None = None) -> Meeting:
    """Record that the minutes are approved (justerat) on ``on`` (today by default): from
    then on the meeting's agenda, decisions, decision basis and extracts never change."""
    meeting = _lock_meeting(meeting)
    check(can_record_decisions(actor, meeting.body.municipality))
    _require_open_minutes(meeting)
    on = on or timezone.localdate()
    if not meeting.date <= on <= timezone.localdate():
        message = _("The minutes are approved on or after the meeting (%(date)s) and not "
                    "after today.") % {"date": meeting.date.isoformat()}
        raise ValidationError(message, code=ErrorCode.DECISION_DATE, fields={"on": [message]})
    meeting.approved_on, meeting.approved_by = on, user_or_none(actor)
    meeting.save(update_fields=["approved_on", "approved_by"])
    record_event(actor=actor, action=AuditAction.MINUTES_APPROVED, obj=meeting,
                 municipality=meeting.body.municipality, changes={"approved_on": on})
    return meeting


@service
def delegated_decisions_report(*, actor: Actor, meeting: Meeting,
                               decisions: Iterable[Decision]) -> int:
    """Report delegated decisions to the body at ``meeting`` (anmälan av
    delegationsbeslut): each is marked reported there, once."""
    meeting = _lock_meeting(meeting)
    check(can_record_decisions(actor, meeting.body.municipality))
    _require_open_minutes(meeting)
    ids = sorted(d.pk for d in decisions)
    rows = Decision.objects.select_for_update(of=("self",)).filter(
        pk__in=ids, body=meeting.body, meeting__isnull=True, reported_at__isnull=True,
        decided_on__lte=meeting.date).order_by("pk")
    count = 0
    for decision in rows:
        decision.reported_at = meeting
        decision.save(update_fields=["reported_at"])
        count += 1
    if count != len(ids):
        raise ConflictError(_("Only the body's own delegated decisions that are not yet "
                              "reported can be reported."), code=ErrorCode.ALREADY_REPORTED)
    record_event(actor=actor, action=AuditAction.DELEGATED_REPORTED, obj=meeting,
                 municipality=meeting.body.municipality, changes={"decisions": ids})
    return count
