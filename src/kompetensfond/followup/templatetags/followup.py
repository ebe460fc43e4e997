"""``{% grant_follow_up application %}``: the payments and follow-up section of an
application's page (the applications app knows nothing of this later app)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kompetensfond.applications.permissions import can_change_application, can_handle

from ..forms import PaymentForm
from ..selectors import follow_ups_of, grant_money, payments_of
from ..services import PAYABLE

register = template.Library()


@register.inclusion_tag("followup/_grant.html", takes_context=True)
def grant_follow_up(context: Any, application: Any) -> dict[str, Any]:
    user = context["request"].user
    money = grant_money(application)
    handles = bool(can_handle(user, application))
    return {
        "application": application, "money": money, "request": context["request"],
        "payments": list(payments_of(application)) if money else [],
        "follow_ups": list(follow_ups_of(application)) if money else [],
        "can_pay": handles and application.status in PAYABLE and money is not None
        and money.left > 0,
        "can_report": bool(can_change_application(user, application)),
        "payment_form": PaymentForm(prefix="payment",
                                    initial={"on": timezone.localdate(),
                                             "amount": money.left if money else None}),
        "csrf_token": context.get("csrf_token"),
    }
