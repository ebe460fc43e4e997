"""The follow-up app's contracts: the error codes it can raise (the API's ``code``) and the
audit actions it writes."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_GRANTED = "not_granted"
    VOUCHER_TAKEN = "voucher_taken"
    OVER_COMMITMENT = "over_commitment"
    PAYMENT_DATE = "payment_date"
    FOLLOW_UP_STATE = "follow_up_state"
    FOLLOW_UP_FIGURES = "follow_up_figures"
    PAYMENT_FILE = "payment_file"


class AuditAction(StrEnum):
    PAYMENT_REGISTERED = "payment.registered"
    PAYMENTS_IMPORTED = "payment.imported"
    FOLLOW_UPS_SCHEDULED = "follow_up.scheduled"
    FOLLOW_UP_SUBMITTED = "follow_up.submitted"
    FOLLOW_UP_ACCEPTED = "follow_up.accepted"
    FOLLOW_UP_REMINDED = "follow_up.reminded"
