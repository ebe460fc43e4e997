"""What every applications service shares: the row lock and the one writer of status."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor, user_or_none
from kompetensfond.core.errors import ValidationError
from kompetensfond.plans.checks import Finding

from ..codes import AuditAction, ErrorCode
from ..lifecycle import require_transition
from ..models import Application, ApplicationEvent


class GuidelineError(ValidationError):
    """Submission refused: the application breaks the fund's guidelines."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        errors = [f.message for f in findings if f.blocks]
        super().__init__(_("The application does not follow the fund's guidelines: %(errors)s")
                         % {"errors": " ".join(errors)}, code=ErrorCode.GUIDELINE_ERRORS,
                         fields={"__all__": errors})
        self.findings = list(findings)


def _lock_application(application: Application | int) -> Application:
    """The application's row, locked; only that row (``of=("self",)``): the fund, the
    municipality and the unit read with it stay unlocked for everyone else."""
    pk = application if isinstance(application, int) else application.pk
    return (Application.objects.select_for_update(of=("self",))
            .select_related("fund", "fund__municipality", "unit", "municipality")
            .get(pk=pk))


def _transition_apply(application: Application, action: str, to: str, *, actor: Actor,
                     reason: str = "") -> Application:
    """Move the application along ``action`` to ``to`` (refused with 409 when the table
    does not allow it), recording who, when and why in its history and the audit trail."""
    require_transition(application, action, to)
    before = application.status
    application.status = to
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    ApplicationEvent.objects.create(application=application, from_status=before, to_status=to,
                                    actor=user_or_none(actor), reason=reason)
    record_event(actor=actor, action=AuditAction.of_transition(action), obj=application,
                 changes={"status": [before, to], "reason": reason})
    return application
