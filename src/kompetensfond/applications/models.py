"""Applications for money from a fund, their life cycle, and the decisions on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.models import Municipality
from kompetensfond.core.money import MoneyField
from kompetensfond.core.references import DecisionReferenceMixin
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.organisation.models import Body, Employee, Occupation, OrgUnit
from kompetensfond.plans.models import CostType, Strategy


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Completion requested")
    RECOMMENDED = "recommended", _("Proposed decision")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    """What a decision can say (its values are also the statuses it leads to)."""

    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")


# The same outcomes as a proposal is worded ("Bevilja", "Bevilja delvis", "Avslå").
PROPOSAL_CHOICES = [(Outcome.GRANTED.value, _("Grant")),
                    (Outcome.PARTLY_GRANTED.value, _("Grant in part")),
                    (Outcome.REJECTED.value, _("Reject"))]


class Application(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="applications")
    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT,
                             related_name="applications")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("applying unit"), on_delete=models.PROTECT,
                             related_name="applications")
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("contact"),
                                on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    expected_effect = models.TextField(_("expected effect"), blank=True)
    strategies = models.ManyToManyField(Strategy, verbose_name=_("strategies"), blank=True,
                                        related_name="applications")
    occupations = models.ManyToManyField(Occupation, verbose_name=_("target occupations"),
                                         blank=True, related_name="+")
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    named_participants = models.ManyToManyField(
        Employee, verbose_name=_("named participants"), blank=True, related_name="+",
        help_text=_("Employees from the staff register; the counts by gender follow them."))
    participants_women = models.PositiveIntegerField(_("women"), default=0)
    participants_men = models.PositiveIntegerField(_("men"), default=0)
    participants_other = models.PositiveIntegerField(_("other or not stated"), default=0)
    cofunding = MoneyField(_("co-funding by the unit"), default=0)
    earmark = models.ForeignKey(Earmark, verbose_name=_("requested earmark"),
                                on_delete=models.PROTECT, null=True, blank=True,
                                related_name="applications")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    recommendation = models.CharField(_("proposed decision"), max_length=16, blank=True,
                                      choices=PROPOSAL_CHOICES)
    recommended_amount = MoneyField(_("proposed amount"), null=True, blank=True)
    recommendation_reason = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["fund", "status"], name="application_fund_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(cofunding__gte=0),
                                   name="application_cofunding_non_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def participants(self) -> int:
        return self.participants_women + self.participants_men + self.participants_other


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="budget_lines")
    cost_type = models.CharField(_("cost type"), max_length=24, choices=CostType.choices)
    year = models.PositiveIntegerField(_("year"))
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="budget_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_cost_type_display()} {self.year}: {self.amount}"


class ApplicationEvent(models.Model):
    """One step of an application's life cycle: who moved it, when, from what to what, and
    why. Never edited."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="events")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} → {self.to_status}"


class Meeting(models.Model):
    """A meeting of a body (sammanträde) where applications are decided."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT,
                             related_name="meetings")
    date = models.DateField(_("date"))
    approved_on = models.DateField(_("minutes approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["body", "date"], name="meeting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.date.isoformat()}"

    @property
    def is_approved(self) -> bool:
        """The minutes are approved (justerat): the meeting is a closed record."""
        return self.approved_on is not None


class AgendaItem(models.Model):
    """An application put on a meeting's agenda (ärendelista), in order, with the proposal
    as it was put to the body. Items are added explicitly; once the minutes are approved
    (justerat) they never change."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="agenda_items")
    position = models.PositiveIntegerField(_("item"))
    # the proposal as it was put to the body: the record does not follow later changes
    proposal = models.CharField(_("proposed decision"), max_length=16, choices=PROPOSAL_CHOICES)
    proposed_amount = MoneyField(_("proposed amount"), default=0)
    proposal_reason = models.TextField(_("reasons"), blank=True)
    requested = MoneyField(_("applied for"), default=0)
    score = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2, null=True,
                                blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"],
                                    name="agenda_item_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "position"],
                                    name="agenda_item_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.position}. {self.application}"


class Decision(DecisionReferenceMixin, models.Model):
    """The decision on an application: by a body at a meeting, with a § of the body's year
    from its § register, or by a delegate under a point of the delegation scheme."""

    REFERENCE_FIELDS = ("body", "decided_on", "paragraph", "case_number")

    application = models.OneToOneField(Application, on_delete=models.PROTECT,
                                       related_name="decision")
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    amount = MoneyField(_("amount"), default=0)
    conditions = models.TextField(_("conditions"), blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    decided_on = models.DateField(_("decided on"))
    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT,
                             related_name="decisions")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="decisions")
    paragraph_year = models.PositiveIntegerField(null=True, blank=True)
    paragraph = models.PositiveIntegerField(_("§"), null=True, blank=True)
    case_number = models.CharField(_("case number (dnr)"), max_length=60, blank=True)
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("delegate"),
                                 on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    delegation_point = models.CharField(_("point in the delegation scheme"), max_length=30,
                                        blank=True)
    reported_at = models.ForeignKey(Meeting, verbose_name=_("reported at"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reported_decisions")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        # the auditors' register lists decisions by date a page at a time
        indexes = [models.Index(fields=["decided_on", "id"], name="decision_by_date")]
        constraints = [
            # a § is never used twice by a body in a year
            models.UniqueConstraint(fields=["body", "paragraph_year", "paragraph"],
                                    name="decision_paragraph_unique"),
            # either at a meeting with a §, or by a delegate
            models.CheckConstraint(
                condition=(models.Q(meeting__isnull=False, paragraph__isnull=False,
                                    delegate__isnull=True)
                           | models.Q(meeting__isnull=True, paragraph__isnull=True,
                                      delegate__isnull=False)),
                name="decision_meeting_or_delegate"),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="decision_amount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def reference(self) -> str:
        if self.meeting_id and self.paragraph:
            return self.decision_reference
        text = f"{self.body.name}, delegationsbeslut {self.decided_on.isoformat()}"
        if self.delegation_point:
            text += f" (punkt {self.delegation_point})"
        return text + (f", dnr {self.case_number}" if self.case_number else "")


class Criterion(models.Model):
    """An assessment criterion of a fund (bedömningskriterium) with its weight."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="criteria")
    name = models.CharField(_("name"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "name"], name="criterion_name_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=10),
                                   name="criterion_weight_range"),
        ]

    def __str__(self) -> str:
        return self.name


SCORE_MIN, SCORE_MAX = 1, 5


class Review(models.Model):
    """A reviewer's assignment to an application: first the declaration of any conflict
    of interest (jäv), then the scores and a comment."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"),
                                 on_delete=models.PROTECT, related_name="+")
    conflict = models.BooleanField(_("conflict of interest"), null=True, blank=True)
    conflict_reason = models.TextField(_("about the conflict of interest"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField(_("assess by"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"],
                                    name="review_one_per_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.reviewer}"

    @property
    def is_overdue(self) -> bool:
        return (self.submitted_at is None and not self.conflict and self.due_date is not None
                and self.due_date < timezone.localdate())


class Score(models.Model):
    """One criterion's score on the fixed scale 1–5; ``None`` is "not applicable", which is
    left out of the weighted mean (never counted as 0)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=models.Q(value__isnull=True)
                                   | models.Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX),
                                   name="score_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value if self.value is not None else '–'}"


class Attachment(models.Model):
    """A file attached to an application (PDF, Word, Excel or an image, at most 10 MB),
    its type checked from its content. Served only to those who may see the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
