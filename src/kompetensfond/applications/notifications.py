"""E-mail to the people an application concerns, in Swedish, sent after the transaction
that changed it has committed (never for a change that was rolled back)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from kompetensfond.core.i18n import record_language
from kompetensfond.core.models import Role, User

from .models import Application


def fund_admins(application: Application) -> list[User]:
    return list(User.objects.filter(membership__municipality_id=application.municipality_id,
                                    membership__roles__role=Role.FUND_ADMIN,
                                    is_active=True).exclude(email="").distinct())


def notify(kind: str, application: Application, recipients: Iterable[User],
           **context: Any) -> None:
    """Queue the ``kind`` e-mail (template ``applications/email/<kind>.txt``, plain text
    with autoescaping off: subject on the first line) to ``recipients`` with an e-mail
    address, sent on commit."""
    addresses = sorted({user.email for user in recipients if user and user.email})
    if not addresses:
        return
    with record_language():
        text = render_to_string(f"applications/email/{kind}.txt", {
            "application": application, "title": " ".join(application.title.split()),
            "url": settings.SITE_URL + reverse("applications:detail", args=[application.pk]),
            **context})
    subject, _blank, body = text.strip().partition("\n")
    # one line whatever the title holds (a CR or LF in a header is refused when sending,
    # after the commit, and the e-mail would be lost); plain text, never HTML-escaped
    subject = " ".join(subject.split())[:200]
    messages = [(subject, body.strip() + "\n", None, [address]) for address in addresses]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
