"""The competence-supply plan (kompetensförsörjningsplan) with its strategies, targets and
shortage occupations, and each fund's guidelines: eligible costs, ceilings, co-funding,
application rounds and delegation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.models import Municipality, Role
from kompetensfond.core.money import MoneyField
from kompetensfond.core.references import DecisionReferenceMixin
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Body, Occupation


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    REPLACED = "replaced", _("Replaced")


class Plan(DecisionReferenceMixin, models.Model):
    """A version of the municipality's competence-supply plan. Adopting a new version marks
    the previous one replaced; its strategies stay, with everything linked to them."""

    REFERENCE_FIELDS = ("adopted_by", "adopted_on", "paragraph", "case_number")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    adopted_by = models.ForeignKey(Body, verbose_name=_("adopted by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    paragraph = models.PositiveIntegerField(_("§"), null=True, blank=True)
    case_number = models.CharField(_("case number (dnr)"), max_length=60, blank=True)
    replaces = models.OneToOneField("self", verbose_name=_("replaces"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="replaced_by")
    shortage_occupations = models.ManyToManyField(
        Occupation, verbose_name=_("shortage occupations"), blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competence-supply plan")
        verbose_name_plural = _("competence-supply plans")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")),
                                   name="plan_period_ordered"),
            # at most one adopted plan per municipality at a time
            models.UniqueConstraint(fields=["municipality"],
                                    condition=models.Q(status="adopted"),
                                    name="plan_one_adopted"),
        ]

    def __str__(self) -> str:
        return self.title


class Strategy(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="strategies")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    continues = models.ForeignKey("self", verbose_name=_("continues"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="continued_by",
                                  help_text=_("The same strategy in the previous plan."))

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="strategy_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TargetKind(models.TextChoices):
    QUALIFIED = "qualified", _("Staff qualified from one occupation to another")
    PARTICIPANTS = "participants", _("Number of participants")


class Target(models.Model):
    """A measurable target of a strategy: "30 barnskötare qualified as förskollärare by
    2021-12-31", or "40 managers through the leadership programme by 2022-12-31"."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=15, choices=TargetKind.choices)
    description = models.CharField(_("description"), max_length=200)
    occupation_from = models.ForeignKey(Occupation, verbose_name=_("from occupation"),
                                        on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    occupation_to = models.ForeignKey(Occupation, verbose_name=_("to occupation"),
                                      on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    count = models.PositiveIntegerField(_("number"))
    due_date = models.DateField(_("by"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gt=0), name="target_count_positive"),
        ]

    def __str__(self) -> str:
        return self.description


class CostType(models.TextChoices):
    COURSE_FEE = "course_fee", _("Course fee")
    SALARY_DURING_STUDIES = "salary_during_studies", _("Salary during studies")
    SUBSTITUTE_COST = "substitute_cost", _("Substitute cost")
    TRAVEL = "travel", _("Travel and lodging")
    LITERATURE = "literature", _("Course literature")
    OTHER = "other", _("Other")


class Guideline(DecisionReferenceMixin, models.Model):
    """The rules for using one fund's money (riktlinjer)."""

    REFERENCE_FIELDS = ("adopted_by", "adopted_on", "paragraph", None)

    fund = models.OneToOneField(Fund, on_delete=models.PROTECT, related_name="guideline")
    plan = models.ForeignKey(Plan, verbose_name=_("competence-supply plan"),
                             on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    eligible_cost_types = models.JSONField(_("eligible costs"), default=list)
    max_per_application = MoneyField(_("maximum per application"), null=True, blank=True)
    max_per_participant = MoneyField(_("maximum per participant"), null=True, blank=True)
    min_cofunding_percent = models.DecimalField(_("minimum co-funding (%)"), max_digits=5,
                                                decimal_places=2, default=0)
    requires_strategy = models.BooleanField(_("must link at least one strategy"), default=True)
    proposal_requires_review = models.BooleanField(
        _("a proposal needs a submitted assessment"), default=True,
        help_text=_("When the fund has assessment criteria. Small funds may turn it off."))
    adopted_by = models.ForeignKey(Body, verbose_name=_("adopted by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    paragraph = models.PositiveIntegerField(_("§"), null=True, blank=True)
    text = models.TextField(_("guidelines in words"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_cofunding_percent__gte=0, min_cofunding_percent__lte=100),
                name="guideline_cofunding_range"),
            models.CheckConstraint(condition=models.Q(max_per_application__gte=0)
                                   | models.Q(max_per_application__isnull=True),
                                   name="guideline_ceiling_non_negative"),
            models.CheckConstraint(condition=models.Q(max_per_participant__gte=0)
                                   | models.Q(max_per_participant__isnull=True),
                                   name="guideline_participant_ceiling_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.fund}"


class ApplicationRound(models.Model):
    """A period open for applications (ansökningsomgång). Stored in UTC, shown and entered
    in Europe/Stockholm."""

    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))

    class Meta:
        verbose_name = _("application round")
        verbose_name_plural = _("application rounds")
        ordering = ["opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="round_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.name


class DelegationRule(models.Model):
    """Amounts up to ``max_amount`` may be decided by the delegate (a role, or a named
    person) under a point of the body's delegation scheme; larger amounts go to the body."""

    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="delegations")
    body = models.ForeignKey(Body, verbose_name=_("delegating body"), on_delete=models.PROTECT,
                             related_name="+")
    max_amount = MoneyField(_("up to"))
    delegate_role = models.CharField(_("delegate role"), max_length=20, choices=Role.choices,
                                     blank=True)
    delegate_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("named delegate"),
                                      on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    delegation_point = models.CharField(_("point in the delegation scheme"), max_length=30)

    class Meta:
        verbose_name = _("delegation rule")
        verbose_name_plural = _("delegation rules")
        ordering = ["max_amount"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_amount__gt=0),
                                   name="delegation_amount_positive"),
            models.CheckConstraint(condition=~models.Q(delegate_role="")
                                   | models.Q(delegate_user__isnull=False),
                                   name="delegation_has_delegate"),
        ]

    def __str__(self) -> str:
        return f"≤ {self.max_amount} ({self.delegation_point})"
