"""A staff import killed half-way (50,000 rows) leaves nothing; the interrupted job is
visible as running, found by ``imports-recover`` and run again to the end."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kompetensfond.core.actors import SYSTEM
from kompetensfond.organisation.importing import services as importing
from kompetensfond.organisation.importing.services import (
    employee_import_recover,
    employee_import_validate,
)
from kompetensfond.organisation.models import Employee, EmployeeImport, ImportStatus
from tests.crash import kill_when_blocked, start, wait_gone
from tests.factories import EmployeeFactory, OrgUnitFactory

from .helpers import csv_bytes, row

RUN = """
from kompetensfond.organisation.tasks import run_employee_import
run_employee_import.func({job}, {actor})
"""
ROWS = 50_000


def queued_import(municipality, fund_admin) -> tuple[EmployeeImport, Employee]:
    unit = OrgUnitFactory(municipality=municipality, cost_centre="4110")
    existing = EmployeeFactory(municipality=municipality, unit=unit, employee_number="E1",
                               first_name="Gammal")
    rows = [row(number=f"{n:06d}", first="Ny") for n in range(ROWS - 1)]
    rows.append(row(number="E1", first="Ändrad"))
    job = employee_import_validate(actor=fund_admin, municipality=municipality,
                                   file_name="personal.csv", content=csv_bytes(rows),
                                   preview=False)
    assert job.status == ImportStatus.VALIDATED, job.errors[:3]
    # as confirming it does, without the worker that would take it at once in the tests
    EmployeeImport.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    return job, existing


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_killed_half_way_leaves_nothing_and_runs_again(
        municipality, fund_admin, ssyk, monkeypatch) -> None:
    job, existing = queued_import(municipality, fund_admin)
    monkeypatch.setattr(importing, "IMPORT_START_GRACE", timedelta(0))
    with transaction.atomic():
        # the import writes the 49,999 new rows, then updates the changed one: hold it
        Employee.objects.select_for_update().get(pk=existing.pk)
        backend = kill_when_blocked(start(RUN.format(job=job.pk, actor=fund_admin.pk)))
        # the job row is locked by the (dead, still rolling back) worker: not taken
        assert employee_import_recover(actor=SYSTEM) == []
    wait_gone(backend)
    job.refresh_from_db()
    assert Employee.objects.filter(municipality=municipality).count() == 1
    assert Employee.objects.get(pk=existing.pk).first_name == "Gammal"
    assert job.status == ImportStatus.RUNNING  # visible: it began and did not finish
    assert job.attempts == 1
    assert bytes(job.content)  # the file is kept for the next try
    out = StringIO()
    call_command("imports_recover", stdout=out)  # queued again; the worker runs it
    assert "1 avbrutna importer" in out.getvalue()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.attempts == 2
    assert Employee.objects.filter(municipality=municipality).count() == ROWS
    assert Employee.objects.get(pk=existing.pk).first_name == "Ändrad"


@pytest.mark.django_db
def test_a_running_import_without_a_worker_is_run_again_or_failed(
        municipality, fund_admin, ssyk, django_capture_on_commit_callbacks) -> None:
    unit = OrgUnitFactory(municipality=municipality, cost_centre="4110")
    assert unit.pk
    job = employee_import_validate(actor=fund_admin, municipality=municipality,
                                   file_name="personal.csv",
                                   content=csv_bytes([row(number="1"), row(number="2")]))
    long_ago = timezone.now() - timedelta(hours=1)
    EmployeeImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING,
                                                    started_at=long_ago, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert [j.pk for j in employee_import_recover(actor=SYSTEM)] == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Employee.objects.filter(municipality=municipality).count() == 2
    # one that has failed to finish three times is marked failed, with the reason
    EmployeeImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING,
                                                    started_at=long_ago, attempts=3)
    employee_import_recover(actor=SYSTEM)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "3" in job.file_error
    # a recent one is left alone (its worker may be at work)
    EmployeeImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING,
                                                    started_at=timezone.now(), attempts=1)
    assert employee_import_recover(actor=SYSTEM) == []
