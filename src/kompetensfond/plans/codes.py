"""The plans app's contracts in one place: the error codes it can raise (the API's
``code``) and the audit actions it can write."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    PLAN_WITHOUT_STRATEGY = "plan_without_strategy"
    PLAN_NOT_DRAFT = "plan_not_draft"
    INVALID = "invalid"


class AuditAction(StrEnum):
    PLAN_CREATED = "plan.created"
    PLAN_ADOPTED = "plan.adopted"
    PLAN_REPLACED = "plan.replaced"
    PLAN_NEW_VERSION = "plan.new_version"
    SHORTAGE_OCCUPATIONS_SET = "plan.shortage_occupations_set"
    STRATEGY_CREATED = "strategy.created"
    TARGET_CREATED = "target.created"
    GUIDELINE_CREATED = "guideline.created"
    GUIDELINE_UPDATED = "guideline.updated"
    ROUND_CREATED = "round.created"
    DELEGATION_RULE_CREATED = "delegation_rule.created"
