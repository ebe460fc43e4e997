"""Forms of the ledger pages: filters, corrections and SIE account numbers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, FilterForm
from kompetensfond.core.text import TextField
from kompetensfond.funds.models import Earmark
from kompetensfond.organisation.models import OrgUnit

from .models import TransactionKind


class LedgerFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All")), *TransactionKind.choices])
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    administration = forms.ModelChoiceField(label=_("Administration"),
                                            queryset=OrgUnit.objects.none(), required=False,
                                            empty_label=_("All"))
    earmark = forms.ModelChoiceField(label=_("Earmark"), queryset=Earmark.objects.none(),
                                     required=False, empty_label=_("All"))

    def __init__(self, *args: Any, administrations: Any, earmarks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = administrations  # type: ignore[attr-defined]
        self.fields["earmark"].queryset = earmarks  # type: ignore[attr-defined]


class ReverseForm(forms.Form):
    reason = TextField(label=_("Reason for the correction"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("Date of the correction"), widget=DateInput())


class SieAccountForm(forms.Form):
    """One number and name per ledger account kind (fields are added per kind)."""

    def __init__(self, *args: Any, kinds: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in kinds.items():
            self.fields[f"{kind}_number"] = forms.RegexField(
                label=_("%(label)s: account") % {"label": label}, regex=r"^\d{4,6}$",
                max_length=6, error_messages={"invalid": _("Enter 4 to 6 digits.")})
            self.fields[f"{kind}_name"] = TextField(
                label=_("%(label)s: name") % {"label": label}, max_length=100)
