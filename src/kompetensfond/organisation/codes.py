"""The organisation app's contracts in one place: the error codes it can raise (the API's
``code``) and the audit actions it can write."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    PARAGRAPH_TAKEN = "paragraph_taken"
    INVALID_FILE = "invalid_file"


class AuditAction(StrEnum):
    BODY_CREATED = "body.created"
    PARAGRAPH_TAKEN = "body.paragraph_taken"
    PARAGRAPH_COUNTER_SET = "body.paragraph_counter_set"
    ORG_UNIT_CREATED = "org_unit.created"
    ORG_UNIT_UPDATED = "org_unit.updated"
    ORG_UNIT_DEACTIVATED = "org_unit.deactivated"
    OCCUPATION_NAMES_IMPORTED = "occupation.names_imported"
    IMPORT_VALIDATED = "employee_import.validated"
    IMPORT_REMAPPED = "employee_import.remapped"
    IMPORT_QUEUED = "employee_import.queued"
    IMPORT_STARTED = "employee_import.started"
    IMPORT_RESUMED = "employee_import.resumed"
    IMPORT_APPLIED = "employee_import.applied"
    IMPORT_FAILED = "employee_import.failed"
    IMPORT_EXPIRED = "employee_import.expired"
    STAFF_REGISTER_READ = "employee.register_read"
    EMPLOYEE_LOGIN_LINKED = "employee.login_linked"
