"""Funds, the contributions decided into them, and earmarks (pots) inside them.

Amounts here are what was *decided*; what is available, committed or paid is never stored:
it is the sum of ledger entries (kompetensfond.ledger).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.models import Municipality
from kompetensfond.core.money import MoneyField
from kompetensfond.core.references import DecisionReferenceMixin
from kompetensfond.organisation.models import Body, Occupation, OrgUnit


class FundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Fund(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("purpose"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    owning_body = models.ForeignKey(Body, verbose_name=_("owning body"),
                                    on_delete=models.PROTECT, related_name="funds")
    status = models.CharField(_("status"), max_length=10, choices=FundStatus.choices,
                              default=FundStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="fund_name_unique"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="fund_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == FundStatus.OPEN

    @property
    def has_ended(self) -> bool:
        """The period is over (the fund takes no applications; grants can still be paid)."""
        return self.end_date < timezone.localdate()

    @property
    def state_display(self) -> str:
        """Closed, ended, not started or open: what the fund can do today, in words."""
        today = timezone.localdate()
        if not self.is_open:
            return str(_("Closed"))
        if self.end_date < today:
            return str(_("Period ended"))
        if self.start_date > today:
            return str(_("Not started"))
        return str(_("Open"))


class ContributionSource(models.TextChoices):
    SURPLUS = "surplus", _("Result for the year (surplus)")
    AFA_REFUND = "afa_refund", _("AFA refund")
    BUDGET = "budget", _("Budget allocation")
    OTHER = "other", _("Other")


class Contribution(DecisionReferenceMixin, models.Model):
    """Money put into a fund by a decision (avsättning; later ones are top-ups)."""

    REFERENCE_FIELDS = ("decision_body", "decision_date", "paragraph", "case_number")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions")
    amount = MoneyField(_("amount"))
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=20, choices=ContributionSource.choices)
    source_text = models.CharField(_("source, in words"), max_length=200, blank=True)
    decision_body = models.ForeignKey(Body, verbose_name=_("decided by"),
                                      on_delete=models.PROTECT, related_name="+")
    decision_date = models.DateField(_("meeting date"))
    paragraph = models.PositiveIntegerField(_("§"))
    case_number = models.CharField(_("case number (dnr)"), max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="contribution_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.amount} ({self.date})"


class Earmark(models.Model):
    """A pot inside a fund (öronmärkning), optionally restricted to an administration,
    occupations or a purpose. Botkyrka's frames per administration are earmarks."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="earmarks")
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    administration = models.ForeignKey(OrgUnit, verbose_name=_("administration"),
                                       on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    occupations = models.ManyToManyField(Occupation, verbose_name=_("occupations"), blank=True,
                                         related_name="+")
    strategies = models.ManyToManyField("plans.Strategy", verbose_name=_("strategies"),
                                        blank=True, related_name="earmarks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("earmark")
        verbose_name_plural = _("earmarks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "name"], name="earmark_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
