"""Individual competence-development allowances (kompetensutvecklingspeng).

A scheme within a fund (or an earmark) gives every eligible employee an amount for a period;
creating it reserves the total in the ledger (``reserved`` account of the scheme). An
employee's allowance is their share; a claim spends it: the manager's approval commits the
claim's cost from the scheme's reservation, the payment disburses it. What is neither
claimed nor pending goes back to the fund when the allowance is forfeited (a leaver) or the
scheme expires (``released``).

No balance is stored: an allowance's remainder is its amount less what was released and
less its claims that are pending, approved or paid, read under the allowance's row lock."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.models import Municipality
from kompetensfond.core.money import MoneyField
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.organisation.models import Employee, Occupation, OrgUnit


class LeaverRule(models.TextChoices):
    FORFEIT = "forfeit", _("Forfeited when an end of employment is registered")
    KEEP = "keep", _("Kept until the employment ends")


class SchemeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")


class AllowanceScheme(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT,
                             related_name="allowance_schemes")
    earmark = models.ForeignKey(Earmark, verbose_name=_("earmark"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    decision_reference = models.CharField(
        _("decision"), max_length=200, blank=True,
        help_text=_("Body, date, § and case number of the decision, e.g. "
                    "“Farsta stadsdelsnämnd 2026-11-19 § 142, dnr FA-2026/311”."))
    amount = MoneyField(_("amount per employee"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    expiry_date = models.DateField(_("claims until"))
    cutoff_date = models.DateField(_("employed on"))
    occupations = models.ManyToManyField(Occupation, verbose_name=_("occupations"),
                                         blank=True, related_name="+")
    units = models.ManyToManyField(OrgUnit, verbose_name=_("units"), blank=True,
                                   related_name="+")
    min_employment_rate = models.DecimalField(
        _("minimum employment rate %"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    prorate_by_rate = models.BooleanField(_("prorated by employment rate"), default=True)
    prorate_by_start = models.BooleanField(_("prorated for new hires by start date"),
                                           default=True)
    leaver_rule = models.CharField(_("leavers"), max_length=10, choices=LeaverRule.choices,
                                   default=LeaverRule.KEEP)
    status = models.CharField(_("status"), max_length=10, choices=SchemeStatus.choices,
                              default=SchemeStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recomputed_at = models.DateTimeField(_("last updated from the staff register"),
                                         null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("allowance scheme")
        verbose_name_plural = _("allowance schemes")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="allowance_scheme_amount_positive"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="allowance_scheme_period"),
        ]

    def __str__(self) -> str:
        return self.name


class AllowanceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FORFEITED = "forfeited", _("Forfeited")
    EXPIRED = "expired", _("Expired")


class Allowance(models.Model):
    scheme = models.ForeignKey(AllowanceScheme, on_delete=models.PROTECT,
                               related_name="allowances")
    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.PROTECT,
                                 related_name="allowances")
    # the unit when the allowance was given: uptake per unit does not move with transfers
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    amount = MoneyField(_("allowance"))
    released = MoneyField(_("returned to the fund"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=AllowanceStatus.choices,
                              default=AllowanceStatus.ACTIVE)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        ordering = ["scheme", "employee__last_name", "employee__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "employee"],
                                    name="allowance_one_per_employee"),
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="allowance_amount_positive"),
        ]
        indexes = [models.Index(fields=["scheme", "unit"], name="allowance_scheme_unit")]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.employee}"


class ClaimCategory(models.TextChoices):
    COURSE = "course", _("Course or training")
    CONFERENCE = "conference", _("Conference or seminar")
    LITERATURE = "literature", _("Literature")
    TUITION = "tuition", _("Tuition at a university or college")
    MEMBERSHIP = "membership", _("Professional network or membership")
    TRAVEL = "travel", _("Travel and accommodation for the activity")
    OTHER = "other", _("Other")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the manager")
    APPROVED = "approved", _("Approved, not paid")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class Claim(models.Model):
    """An employee's request to have a cost of their own development paid from their
    allowance."""

    allowance = models.ForeignKey(Allowance, on_delete=models.PROTECT, related_name="claims")
    activity = models.CharField(_("activity"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    category = models.CharField(_("kind of cost"), max_length=12,
                                choices=ClaimCategory.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    cost = MoneyField(_("cost"))
    development_plan = models.CharField(
        _("development plan"), max_length=500, blank=True,
        help_text=_("What in your individual development plan or the latest development "
                    "dialogue the activity serves."))
    receipt = models.FileField(upload_to="receipts/%Y/%m/")
    receipt_name = models.CharField(_("receipt"), max_length=200)
    receipt_type = models.CharField(max_length=100)
    receipt_size = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices,
                              default=ClaimStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("manager's comment"), blank=True)
    commitment = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    voucher = models.CharField(_("voucher"), max_length=40, blank=True)
    payment = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__gt=0), name="claim_cost_positive"),
        ]
        indexes = [models.Index(fields=["allowance", "status"], name="claim_allowance_status")]

    def __str__(self) -> str:
        return f"{self.activity} ({self.allowance.employee})"
