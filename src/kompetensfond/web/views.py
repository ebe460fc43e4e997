from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.allowances.views import home_context as allowances_home
from kompetensfond.core.context_processors import work_queue_of
from kompetensfond.core.models import Role
from kompetensfond.core.permissions import membership_of, roles_of
from kompetensfond.followup.selectors import reports_due, reports_to_accept
from kompetensfond.funds.models import FundStatus
from kompetensfond.funds.selectors import fund_list
from kompetensfond.ledger.selectors import fund_balances


@dataclass
class Section:
    key: str
    title: str
    text: str
    links: list[dict[str, str]] = field(default_factory=list)


def _sections_for(roles: set[str]) -> list[Section]:
    org = {"url": reverse("organisation:overview"), "label": _("Organisation and bodies")}
    audit = {"url": reverse("audit:event-list"), "label": _("Audit trail")}
    funds = {"url": reverse("funds:list"), "label": _("Funds")}
    sections: list[Section] = []
    if Role.FUND_ADMIN in roles:
        sections.append(Section("fund_admin", _("Case officer for the fund"),
                                _("Set up funds, the plan, guidelines and the organisation, and "
                                  "follow every change in the audit trail."), [funds, org, audit]))
    if Role.SECRETARY in roles:
        sections.append(Section("secretary", _("Committee secretary"),
                                _("Prepare meetings and record decisions with § and case number."),
                                [funds, org]))
    if Role.REVIEWER in roles:
        sections.append(Section("reviewer", _("Reviewer"),
                                _("Assess the applications assigned to you. Declare any conflict "
                                  "of interest before you score."), []))
    if Role.UNIT_MANAGER in roles:
        sections.append(Section("unit_manager", _("Manager"),
                                _("Apply for money for your unit, report follow-up and approve "
                                  "your staff's allowance claims."), [funds, org]))
    if Role.EMPLOYEE in roles:
        sections.append(Section("employee", _("Employee"),
                                _("See your individual development allowance and claim costs."),
                                [{"url": reverse("allowances:mine"),
                                  "label": _("My development allowance")}]))
    if Role.VIEWER in roles:
        sections.append(Section("viewer", _("Politician or auditor"),
                                _("Read where the money went: funds, decisions and the audit "
                                  "trail. You cannot change anything."), [funds, org, audit]))
    return sections


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    context: dict[str, Any] = {"sections": [], "role_labels": []}
    if membership is not None:
        roles = roles_of(request.user)
        context["sections"] = _sections_for(roles)
        context["role_labels"] = sorted({a.get_role_display() for a in membership.roles.all()})
        context["work"] = work_queue_of(request)
        if Role.UNIT_MANAGER in roles:
            context["reports_due"] = reports_due(request.user)
        context.update(allowances_home(request.user))
        if Role.FUND_ADMIN in roles:
            context["reports_to_accept"] = reports_to_accept(request.user)
        context["today"] = timezone.localdate()
        if roles & {Role.VIEWER, Role.FUND_ADMIN, Role.SECRETARY}:
            funds = list(fund_list(user=request.user).filter(status=FundStatus.OPEN)
                         .order_by("-start_date", "name"))
            balances = fund_balances([f.pk for f in funds])
            for fund in funds:
                fund.balance = balances[fund.pk]  # type: ignore[attr-defined]
            context["funds"] = funds
    return render(request, "web/home.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("kompetensfond/favicon.svg"))


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"exception": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The page for a form sent without a valid CSRF token (an old tab, cookies off), in
    the user's language instead of Django's English one."""
    return render(request, "csrf_failure.html", status=403)
