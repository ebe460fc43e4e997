"""Payments of granted money and the follow-up of what it achieved (DESIGN.md: a grant is
paid, reported on, and closed)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompetensfond.applications.models import Application
from kompetensfond.core.models import Municipality
from kompetensfond.core.money import MoneyField
from kompetensfond.ledger.models import LedgerTransaction
from kompetensfond.organisation.models import Occupation


class Payment(models.Model):
    """Money paid out on a granted application, as booked in the finance system (its
    voucher number) and in the fund's ledger (its disbursement)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = MoneyField(_("amount"))
    voucher = models.CharField(_("voucher number"), max_length=40)
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT,
                                       related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        # a municipality's payments in date order, a page at a time
        indexes = [models.Index(fields=["municipality", "paid_on", "id"],
                                name="payment_muni_date")]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "voucher"],
                                    name="payment_voucher_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} {self.amount}"


class FollowUpKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly report")
    FINAL = "final", _("Final report")


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")


class FollowUp(models.Model):
    """A report the grant owes: what it cost, who took part and finished (by gender), the
    qualifications obtained, and in words what it achieved."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind.choices)
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.DUE)
    costs = models.JSONField(_("actual costs"), default=dict)  # cost type -> "1234.50"
    started_women = models.PositiveIntegerField(default=0)
    started_men = models.PositiveIntegerField(default=0)
    started_other = models.PositiveIntegerField(default=0)
    completed_women = models.PositiveIntegerField(default=0)
    completed_men = models.PositiveIntegerField(default=0)
    completed_other = models.PositiveIntegerField(default=0)
    dropped_women = models.PositiveIntegerField(default=0)
    dropped_men = models.PositiveIntegerField(default=0)
    dropped_other = models.PositiveIntegerField(default=0)
    narrative = models.TextField(_("what the grant achieved"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    decommitted = MoneyField(_("decommitted"), default=0)
    returned = MoneyField(_("returned"), default=0)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "due_date"],
                                    name="follow_up_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.get_kind_display()} {self.due_date}"

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.DUE and self.due_date < timezone.localdate()

    @property
    def cost_rows(self) -> list[tuple[str, Decimal]]:
        """The actual costs as (cost type's name, amount)."""
        from kompetensfond.plans.models import CostType

        labels = dict(CostType.choices)
        return [(str(labels.get(k, k)), Decimal(v)) for k, v in self.costs.items()]

    @property
    def started(self) -> int:
        return self.started_women + self.started_men + self.started_other

    @property
    def completed(self) -> int:
        return self.completed_women + self.completed_men + self.completed_other


class Qualification(models.Model):
    """Participants of a grant who obtained a new occupation's qualification
    (e.g. barnskötare → förskollärare), as reported."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE,
                                  related_name="qualifications")
    occupation_from = models.ForeignKey(Occupation, verbose_name=_("from occupation"),
                                        on_delete=models.PROTECT, related_name="+")
    occupation_to = models.ForeignKey(Occupation, verbose_name=_("to occupation"),
                                      on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.count} {self.occupation_from.ssyk_code} → {self.occupation_to.ssyk_code}"
