"""Writes for plans, strategies, targets and guidelines (each a @service: permission,
lock, validation, write and audit event in one transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor
from kompetensfond.core.errors import ConflictError, ValidationError, check_dates
from kompetensfond.core.models import Municipality, User
from kompetensfond.core.money import format_money, to_money
from kompetensfond.core.permissions import check
from kompetensfond.core.services import service
from kompetensfond.funds.models import Fund
from kompetensfond.ledger.selectors import fund_balance
from kompetensfond.organisation.models import Body, Occupation

from .codes import AuditAction, ErrorCode
from .models import (
    ApplicationRound,
    CostType,
    DelegationRule,
    Guideline,
    Plan,
    PlanStatus,
    Strategy,
    Target,
    TargetKind,
)
from .permissions import can_manage_plans


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, fields={field: [message]})


def _own(municipality: Municipality, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "municipality_id", municipality.pk) != municipality.pk:
            raise ValidationError(_("%(name)s belongs to another municipality.") % {"name": obj})


def _draft(plan: Plan) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise ConflictError(_("An adopted plan is not changed; start a new version of it."),
                            code=ErrorCode.PLAN_NOT_DRAFT)
    return locked


@service
def plan_create(*, actor: Actor, municipality: Municipality, title: str,
                valid_from: date, valid_to: date) -> Plan:
    check(can_manage_plans(actor, municipality))
    title = title.strip()
    if not title:
        raise _invalid("title", _("Enter a name."))
    check_dates(valid_from=valid_from, valid_to=valid_to)
    if valid_to < valid_from:
        raise _invalid("valid_to", _("The end date must be on or after the start date."))
    plan = Plan.objects.create(municipality=municipality, title=title, valid_from=valid_from,
                               valid_to=valid_to)
    record_event(actor=actor, action=AuditAction.PLAN_CREATED, obj=plan,
                 changes={"title": title, "valid_from": valid_from, "valid_to": valid_to})
    return plan


@service
def plan_adopt(*, actor: Actor, plan: Plan, adopted_by: Body, adopted_on: date,
               paragraph: int, case_number: str = "") -> Plan:
    """Record the body's decision adopting the draft. The plan adopted until now becomes
    replaced; its strategies, and everything linked to them, stay as they are."""
    check(can_manage_plans(actor, plan.municipality))
    _own(plan.municipality, adopted_by)
    plan = _draft(plan)
    if paragraph is None or paragraph < 1:
        raise _invalid("paragraph", _("Enter the § number in the minutes."))
    if not plan.strategies.exists():
        raise ConflictError(_("Add at least one strategy before the plan is adopted."),
                            code=ErrorCode.PLAN_WITHOUT_STRATEGY)
    previous = (Plan.objects.select_for_update()
                .filter(municipality=plan.municipality, status=PlanStatus.ADOPTED).first())
    if previous is not None:
        previous.status = PlanStatus.REPLACED
        previous.save(update_fields=["status"])
        record_event(actor=actor, action=AuditAction.PLAN_REPLACED, obj=previous,
                     changes={"status": [PlanStatus.ADOPTED, PlanStatus.REPLACED],
                              "replaced_by": plan.pk})
        if plan.replaces_id is None:
            plan.replaces = previous
    plan.status = PlanStatus.ADOPTED
    plan.adopted_by, plan.adopted_on = adopted_by, adopted_on
    plan.paragraph, plan.case_number = paragraph, case_number.strip()
    plan.save()
    record_event(actor=actor, action=AuditAction.PLAN_ADOPTED, obj=plan,
                 changes={"decision": plan.decision_reference,
                          "replaces": previous.pk if previous else None})
    return plan


@service
def plan_new_version(*, actor: Actor, plan: Plan, title: str, valid_from: date,
                     valid_to: date) -> Plan:
    """A draft copy of ``plan`` (strategies, targets, shortage occupations), each strategy
    linked to the one it continues, ready to be changed and adopted."""
    check(can_manage_plans(actor, plan.municipality))
    draft = plan_create(actor=actor, municipality=plan.municipality, title=title,
                        valid_from=valid_from, valid_to=valid_to)
    draft.replaces = plan
    draft.save(update_fields=["replaces"])
    draft.shortage_occupations.set(plan.shortage_occupations.all())
    for strategy in plan.strategies.prefetch_related("targets"):
        copy = Strategy.objects.create(plan=draft, code=strategy.code, title=strategy.title,
                                       description=strategy.description, continues=strategy)
        Target.objects.bulk_create([
            Target(strategy=copy, kind=t.kind, description=t.description,
                   occupation_from_id=t.occupation_from_id, occupation_to_id=t.occupation_to_id,
                   count=t.count, due_date=t.due_date) for t in strategy.targets.all()])
    record_event(actor=actor, action=AuditAction.PLAN_NEW_VERSION, obj=draft,
                 changes={"copied_from": plan.pk})
    return draft


@service
def plan_set_shortage_occupations(*, actor: Actor, plan: Plan,
                                  occupations: Iterable[Occupation]) -> Plan:
    check(can_manage_plans(actor, plan.municipality))
    plan = _draft(plan)
    occupations = list(occupations)
    before = sorted(plan.shortage_occupations.values_list("ssyk_code", flat=True))
    plan.shortage_occupations.set(occupations)
    record_event(actor=actor, action=AuditAction.SHORTAGE_OCCUPATIONS_SET, obj=plan,
                 changes={"shortage_occupations": [before,
                                                   sorted(o.ssyk_code for o in occupations)]})
    return plan


@service
def strategy_create(*, actor: Actor, plan: Plan, code: str, title: str,
                    description: str = "") -> Strategy:
    check(can_manage_plans(actor, plan.municipality))
    plan = _draft(plan)
    code, title = code.strip(), title.strip()
    if not code:
        raise _invalid("code", _("Enter a code, for example S1."))
    if not title:
        raise _invalid("title", _("Enter a name."))
    if plan.strategies.filter(code=code).exists():
        raise ConflictError(_("The plan already has a strategy %(code)s.") % {"code": code})
    strategy = Strategy.objects.create(plan=plan, code=code, title=title,
                                       description=description.strip())
    record_event(actor=actor, action=AuditAction.STRATEGY_CREATED, obj=strategy,
                 municipality=plan.municipality, changes={"code": code, "title": title})
    return strategy


@service
def target_create(*, actor: Actor, strategy: Strategy, kind: str, description: str,
                  count: int, due_date: date, occupation_from: Occupation | None = None,
                  occupation_to: Occupation | None = None) -> Target:
    plan = strategy.plan
    check(can_manage_plans(actor, plan.municipality))
    plan = _draft(plan)
    if kind not in TargetKind.values:
        raise _invalid("kind", _("Choose the kind of target."))
    if count is None or count < 1:
        raise _invalid("count", _("The number must be at least 1."))
    if due_date < plan.valid_from:
        raise _invalid("due_date", _("The target date cannot be before the plan starts "
                                     "(%(start)s).") % {"start": plan.valid_from.isoformat()})
    if kind == TargetKind.QUALIFIED and (occupation_from is None or occupation_to is None):
        raise _invalid("occupation_to", _("Choose the occupation staff qualify from and to."))
    description = description.strip()
    if not description:
        raise _invalid("description", _("Describe the target."))
    target = Target.objects.create(strategy=strategy, kind=kind, description=description,
                                   count=count, due_date=due_date,
                                   occupation_from=occupation_from, occupation_to=occupation_to)
    record_event(actor=actor, action=AuditAction.TARGET_CREATED, obj=target,
                 municipality=plan.municipality,
                 changes={"strategy": strategy.code, "description": description,
                          "count": count, "due_date": due_date})
    return target


def _percent(value: Decimal | int | str) -> Decimal:
    try:
        percent = Decimal(str(value))
    except ArithmeticError as exc:
        raise _invalid("min_cofunding_percent", _("Enter a percentage from 0 to 100.")) from exc
    if not percent.is_finite() or not 0 <= percent <= 100 or percent != percent.quantize(
            Decimal("0.01")):
        raise _invalid("min_cofunding_percent", _("Enter a percentage from 0 to 100."))
    return percent


def _ceiling(value: Decimal | str | None, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = to_money(value)
    if amount < 0:
        raise _invalid(field, _("A ceiling cannot be below 0 kr."))
    return amount


@service
def guideline_save(
    *, actor: Actor, fund: Fund, plan: Plan | None, eligible_cost_types: Iterable[str],
    max_per_application: Decimal | str | None = None,
    max_per_participant: Decimal | str | None = None,
    min_cofunding_percent: Decimal | int | str = 0, requires_strategy: bool = True,
    adopted_by: Body | None = None, adopted_on: date | None = None,
    paragraph: int | None = None, text: str = "",
) -> Guideline:
    """Create or replace the fund's guidelines."""
    check(can_manage_plans(actor, fund.municipality))
    _own(fund.municipality, plan, adopted_by)
    cost_types = sorted(set(eligible_cost_types))
    if not cost_types:
        raise _invalid("eligible_cost_types", _("Choose at least one eligible cost."))
    if set(cost_types) - set(CostType.values):
        raise _invalid("eligible_cost_types", _("Unknown cost type."))
    values: dict[str, object] = {
        "plan": plan, "eligible_cost_types": cost_types,
        "max_per_application": _ceiling(max_per_application, "max_per_application"),
        "max_per_participant": _ceiling(max_per_participant, "max_per_participant"),
        "min_cofunding_percent": _percent(min_cofunding_percent),
        "requires_strategy": requires_strategy, "adopted_by": adopted_by,
        "adopted_on": adopted_on, "paragraph": paragraph, "text": text.strip(),
    }
    guideline = Guideline.objects.select_for_update().filter(fund=fund).first()
    if guideline is None:
        guideline = Guideline.objects.create(fund=fund, **values)
        action = AuditAction.GUIDELINE_CREATED
        changes: dict[str, object] = {k: getattr(v, "pk", v) for k, v in values.items()}
    else:
        changes = {}
        for key, value in values.items():
            old = getattr(guideline, key)
            if old != value:
                changes[key] = [getattr(old, "pk", old), getattr(value, "pk", value)]
                setattr(guideline, key, value)
        guideline.save()
        action = AuditAction.GUIDELINE_UPDATED
    record_event(actor=actor, action=action, obj=guideline, municipality=fund.municipality,
                 changes=changes)
    return guideline


@service
def round_create(*, actor: Actor, guideline: Guideline, name: str, opens_at: datetime,
                 closes_at: datetime) -> ApplicationRound:
    municipality = guideline.fund.municipality
    check(can_manage_plans(actor, municipality))
    name = name.strip()
    if not name:
        raise _invalid("name", _("Enter a name."))
    if closes_at <= opens_at:
        raise _invalid("closes_at", _("The round must close after it opens."))
    fund = guideline.fund
    first = timezone.localtime(opens_at).date()
    # closes_at is the first moment it is closed: midnight after the fund's last day fits
    last = timezone.localtime(closes_at - timedelta(microseconds=1)).date()
    if first < fund.start_date or last > fund.end_date:
        raise _invalid("opens_at", _("The round must lie within the fund's period %(start)s–"
                                     "%(end)s.") % {"start": fund.start_date.isoformat(),
                                                    "end": fund.end_date.isoformat()})
    overlapping = guideline.rounds.filter(opens_at__lt=closes_at, closes_at__gt=opens_at)
    if overlapping.exists():
        raise ConflictError(_("The round overlaps %(name)s.") % {"name": overlapping.first()})
    application_round = ApplicationRound.objects.create(guideline=guideline, name=name,
                                                        opens_at=opens_at, closes_at=closes_at)
    record_event(actor=actor, action=AuditAction.ROUND_CREATED, obj=application_round,
                 municipality=municipality,
                 changes={"name": name, "opens_at": opens_at, "closes_at": closes_at})
    return application_round


@service
def delegation_rule_create(
    *, actor: Actor, guideline: Guideline, body: Body, max_amount: Decimal | str,
    delegation_point: str, delegate_role: str = "", delegate_user: User | None = None,
) -> tuple[DelegationRule, list[str]]:
    """Add a delegation: amounts up to ``max_amount`` decided by the delegate. Returns the
    rule and warnings (a limit above the fund's capital is allowed, but flagged)."""
    fund = guideline.fund
    check(can_manage_plans(actor, fund.municipality))
    _own(fund.municipality, body)
    amount = to_money(max_amount)
    if amount <= 0:
        raise _invalid("max_amount", _("The amount must be more than 0 kr."))
    if not delegation_point.strip():
        raise _invalid("delegation_point", _("Enter the point in the delegation scheme."))
    if not delegate_role and delegate_user is None:
        raise _invalid("delegate_role", _("Choose a role or a named delegate."))
    if delegate_user is not None:
        membership = getattr(delegate_user, "membership", None)
        if membership is None or membership.municipality_id != fund.municipality_id:
            raise _invalid("delegate_user", _("The delegate must belong to the municipality."))
    rule = DelegationRule.objects.create(
        guideline=guideline, body=body, max_amount=amount, delegate_role=delegate_role,
        delegate_user=delegate_user, delegation_point=delegation_point.strip())
    warnings = []
    capital = fund_balance(fund).capital
    if amount > capital:
        warnings.append(_("The limit %(limit)s is above the fund's capital of %(capital)s.")
                        % {"limit": format_money(amount), "capital": format_money(capital)})
    record_event(actor=actor, action=AuditAction.DELEGATION_RULE_CREATED, obj=rule,
                 municipality=fund.municipality,
                 changes={"max_amount": amount, "delegation_point": rule.delegation_point,
                          "delegate": delegate_user.pk if delegate_user else delegate_role})
    return rule, warnings
