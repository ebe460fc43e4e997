import importlib
import inspect
import pkgutil

import pytest
from django.db import transaction
from django.urls import reverse

import kompetensfond
from kompetensfond.audit.models import AuditEvent
from kompetensfond.audit.services import AuditOutsideTransactionError, record_event
from kompetensfond.core.models import Municipality
from kompetensfond.core.services import AuditMissingError, service
from kompetensfond.organisation.services import body_create, org_unit_create, org_unit_update
from tests.factories import MunicipalityFactory

SERVICE_MODULE_NAMES = ("services", "accounts")


def _service_modules() -> list[object]:
    modules = []
    for info in pkgutil.walk_packages(kompetensfond.__path__, "kompetensfond."):
        if (info.name.rsplit(".", 1)[-1] in SERVICE_MODULE_NAMES or info.name.endswith("services")
                or ".services." in info.name):
            modules.append(importlib.import_module(info.name))
    return modules


def test_every_public_function_in_a_services_module_is_an_audited_service() -> None:
    # given every services module of the project
    modules = _service_modules()
    assert len(modules) >= 3
    undecorated = []
    for module in modules:
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_"):
                continue
            if name in {"record_event", "snapshot", "diff", "service", "nothing_written",
                        "progress_key", "import_progress"}:
                continue  # the audit helper, the decorator and read-only helpers
            if not getattr(func, "is_service", False):
                undecorated.append(f"{module.__name__}.{name}")
    # then each one is wrapped by @service, which refuses to commit without an audit event
    assert undecorated == []


@pytest.mark.django_db
def test_a_service_that_writes_without_an_audit_event_fails_and_writes_nothing() -> None:
    @service
    def careless_create() -> Municipality:
        return MunicipalityFactory(name="Glömska kommun")

    with pytest.raises(AuditMissingError):
        careless_create()
    assert not Municipality.objects.filter(name="Glömska kommun").exists()


@pytest.mark.django_db(transaction=True)
def test_record_event_outside_a_transaction_is_refused(municipality: Municipality) -> None:
    with pytest.raises(AuditOutsideTransactionError):
        record_event(actor=None, action="x", obj=municipality)


@pytest.mark.django_db
def test_services_record_actor_action_object_changes_and_request_id(fund_admin,
                                                                     municipality) -> None:
    unit = org_unit_create(actor=fund_admin, municipality=municipality, name="Skola",
                           cost_centre="3110", sector="education")
    org_unit_update(actor=fund_admin, unit=unit, name="Skolan i Centrum")
    event = AuditEvent.objects.filter(action="org_unit.updated").get()
    assert event.actor == fund_admin
    assert event.municipality == municipality
    assert event.object_id == str(unit.pk)
    assert event.changes == {"name": ["Skola", "Skolan i Centrum"]}


@pytest.mark.django_db
def test_refused_service_leaves_no_audit_event(fund_admin, municipality) -> None:
    body_create(actor=fund_admin, municipality=municipality, name="Socialnämnden",
                kind="committee")
    before = AuditEvent.objects.count()
    with pytest.raises(Exception, match="finns redan"):
        body_create(actor=fund_admin, municipality=municipality, name="Socialnämnden",
                    kind="committee")
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_page_lists_only_own_municipality_and_filters(client, fund_admin, municipality,
                                                            other_municipality) -> None:
    with transaction.atomic():
        record_event(actor=None, action="body.created", obj=municipality)
        record_event(actor=None, action="fund.created", obj=municipality)
        record_event(actor=None, action="body.created", obj=other_municipality)
    client.force_login(fund_admin)
    response = client.get(reverse("audit:event-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    response = client.get(reverse("audit:event-list"), {"action": "fund"})
    assert [e.action for e in response.context["page"]] == ["fund.created"]
    assert "Händelselogg" in response.content.decode()


@pytest.mark.django_db
def test_audit_page_is_refused_to_reviewers(client, reviewer) -> None:
    client.force_login(reviewer)
    response = client.get(reverse("audit:event-list"))
    assert response.status_code == 403
    assert "handläggare" in response.content.decode()
