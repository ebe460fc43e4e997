"""Text as it may be stored: no control characters but tab, line feed and carriage return.

One validator, used by every text field of the forms (``TextField``) and of the API's
serializers (``ApiTextField``): a BEL or NUL typed or posted into a title is refused at
input with a Swedish message, instead of breaking an export, an e-mail or a PDF later.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(value: str) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("The text contains control characters (invisible codes from "
                                "another program). Type it again or paste it as plain text."),
                              code="control_characters")


class TextField(forms.CharField):
    """A form's text field: Django's, refusing control characters."""

    default_validators = [no_control_characters]


class ApiTextField(serializers.CharField):
    """A serializer's text field: DRF's, refusing control characters."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(no_control_characters)


def require_clean_text(value: str, field: str) -> str:
    """For services: ``value`` if it has no control characters, else the domain's
    ValidationError naming ``field`` (a 400 in the API, a field error in a form)."""
    from kompetensfond.core.errors import ValidationError as DomainValidationError

    try:
        no_control_characters(value)
    except ValidationError as exc:
        message = str(exc.messages[0])
        raise DomainValidationError(message, fields={field: [message]}) from exc
    return value
