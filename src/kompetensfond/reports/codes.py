"""The reports app's contracts: its error codes and audit actions."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    SCENARIO = "scenario"


class AuditAction(StrEnum):
    SCENARIO_SAVED = "scenario.saved"
    SCENARIO_DELETED = "scenario.deleted"
