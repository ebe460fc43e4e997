"""What the applications views share: running a service from a button or a small form
and showing its refusal as a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kompetensfond.core.errors import DomainError
from kompetensfond.core.models import Role, User

from ..models import Application
from ..selectors import access_application


def run_reported(request: HttpRequest, call: Callable[[], Any], success: str) -> None:
    """Call a service; its refusal becomes an error message, its success ``success``."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def act(request: HttpRequest, pk: int, action: Callable[[Application], Any],
        success: str) -> HttpResponse:
    """Call the service through ``action`` on the application the user may see; back to
    the application either way."""
    application = access_application(request.user, pk)
    run_reported(request, lambda: action(application), success)
    return redirect("applications:detail", application.pk)


def form_action(request: HttpRequest, pk: int, form_class: Any,
                action: Callable[[Application, dict[str, Any]], Any], success: str,
                prefix: str | None = None, **form_kwargs: Any) -> HttpResponse:
    """``act`` with a small form: every field error becomes a message naming the field."""
    form = form_class(request.POST, prefix=prefix, **form_kwargs)
    if not form.is_valid():
        application = access_application(request.user, pk)
        errors_as_messages(request, form)
        return redirect("applications:detail", application.pk)
    return act(request, pk, lambda a: action(a, form.cleaned_data), success)


def errors_as_messages(request: HttpRequest, form: Any) -> None:
    """Each of a small form's errors as a message that names its field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def reviewers_of(municipality: Any) -> QuerySet[User]:
    return (User.objects.filter(membership__municipality=municipality,
                                membership__roles__role__in=[Role.REVIEWER])
            .distinct().order_by("last_name", "first_name"))
