"""Form fields shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .money import MoneyParseError, format_amount, parse_money

T = TypeVar("T")


class FilterForm(forms.Form):
    """A list page's filters (GET). Its fields get their own ids ("filter_body") so a page
    that also holds a create form with a field of the same name has no duplicate ids and
    each label names exactly one control."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)


class MoneyFormField(forms.CharField):
    """An amount in kronor typed the Swedish way ("1 234 567,50", "150 000 kr")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("In kronor, for example 1 234 567,50."))
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format_amount(value, sep=" ")
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_money(text)
        except MoneyParseError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: each error on the field it names; errors of
    parts that are not fields of this form (budget rows, "__all__") above the form, so the
    error summary lists every one."""
    placed = False
    for field, errors in exc.fields.items():
        for error in errors or [exc.message]:
            form.add_error(field if field in form.fields else None, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def run_form(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], T],
             *, success: str, next_url: Callable[[T], str]) -> HttpResponse | None:
    """The write half of a form view: on a valid POST call the service through ``action``;
    on success add the ``success`` message and return the redirect to ``next_url(result)``;
    on a refusal show its message on the form and return None (render the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, success)
    return redirect(next_url(result))


def form_page(request: HttpRequest, form: forms.Form, title: str, back_url: str,
              intro: str = "", **extra: Any) -> HttpResponse:
    """The page of a simple form (``form_page.html``): heading, way back, help text and the
    form with its errors; ``extra`` adds context such as balances to show above it."""
    return render(request, "form_page.html", {"form": form, "title": title,
                                              "back_url": back_url, "intro": intro, **extra})
