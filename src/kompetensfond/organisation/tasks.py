"""Background tasks (django-tasks; the database backend's worker runs them)."""

from __future__ import annotations

import logging

from django_tasks import task

from kompetensfond.core.actors import SYSTEM, Actor
from kompetensfond.core.errors import DomainError
from kompetensfond.core.models import User

log = logging.getLogger(__name__)


@task()
def run_employee_import(job_id: int, actor_id: int | None) -> None:
    from .importing.services import (
        employee_import_apply,
        employee_import_fail,
        employee_import_start,
    )

    # the person who confirmed the import, or the system when they are gone
    actor: Actor = (User.objects.filter(pk=actor_id).first() if actor_id else None) or SYSTEM
    try:
        employee_import_start(actor=actor, job_id=job_id)  # RUNNING, committed
        employee_import_apply(actor=actor, job_id=job_id)  # all rows, or none
    except DomainError as exc:
        employee_import_fail(actor=actor, job_id=job_id, reason=exc.message)
    except Exception as exc:
        log.exception("employee import %s failed", job_id)
        employee_import_fail(actor=actor, job_id=job_id, reason=f"{type(exc).__name__}: {exc}")
        raise
