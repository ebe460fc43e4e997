from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, MoneyFormField
from kompetensfond.core.text import TextField
from kompetensfond.organisation.models import Occupation
from kompetensfond.plans.models import CostType

from .services import GENDERS, PEOPLE


class PaymentForm(forms.Form):
    amount = MoneyFormField(label=_("Amount"))
    on = forms.DateField(label=_("Paid on"), widget=DateInput())
    voucher = TextField(label=_("Voucher number"), max_length=40,
                        help_text=_("The payment's voucher number in the finance system."))


class PaymentFileForm(forms.Form):
    file = forms.FileField(label=_("Payment file from the finance system (CSV or XLSX)"),
                           help_text=_("Columns: verifikation, datum (YYYY-MM-DD), belopp, "
                                       "and ansökan (the application's number) or dnr. At most "
                                       "5,000 rows and 1 MB."))


PEOPLE_LABELS = {"started": _("Started"), "completed": _("Finished"),
                 "dropped": _("Dropped out")}
GENDER_LABELS = {"women": _("women"), "men": _("men"), "other": _("other or not stated")}
QUALIFICATION_ROWS = 3


class FollowUpForm(forms.Form):
    """The report: actual costs per eligible cost type, participants by gender, up to three
    kinds of qualification obtained, and what the grant achieved."""

    narrative = TextField(label=_("What the grant achieved"), required=False, max_length=10_000,
                          widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, cost_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CostType.choices)
        for cost_type in cost_types:
            self.fields[f"cost_{cost_type}"] = MoneyFormField(
                label=_("Actual cost: %(type)s") % {"type": labels.get(cost_type, cost_type)},
                required=False)
        for group in PEOPLE:
            for gender in GENDERS:
                self.fields[f"{group}_{gender}"] = forms.IntegerField(
                    label=f"{PEOPLE_LABELS[group]}: {GENDER_LABELS[gender]}", min_value=0,
                    max_value=100_000, initial=0, required=False)
        occupations = Occupation.objects.filter(ssyk_code__regex=r"^[0-9]{4}$").order_by(
            "ssyk_code")
        for n in range(1, QUALIFICATION_ROWS + 1):
            self.fields[f"q{n}_from"] = forms.ModelChoiceField(
                label=_("Qualification %(n)s: from occupation") % {"n": n},
                queryset=occupations, required=False, to_field_name="ssyk_code")
            self.fields[f"q{n}_to"] = forms.ModelChoiceField(
                label=_("Qualification %(n)s: to occupation") % {"n": n},
                queryset=occupations, required=False, to_field_name="ssyk_code")
            self.fields[f"q{n}_count"] = forms.IntegerField(
                label=_("Qualification %(n)s: number of people") % {"n": n}, min_value=1,
                max_value=100_000, required=False)
        self.cost_types = cost_types
        self.order_fields([*[f"cost_{c}" for c in cost_types],
                           *[f"{g}_{s}" for g in PEOPLE for s in GENDERS],
                           *[f"q{n}_{p}" for n in range(1, QUALIFICATION_ROWS + 1)
                             for p in ("from", "to", "count")], "narrative"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, QUALIFICATION_ROWS + 1):
            parts = [data.get(f"q{n}_from"), data.get(f"q{n}_to"), data.get(f"q{n}_count")]
            if any(parts) and not all(parts):
                self.add_error(f"q{n}_count", _("Fill in both occupations and the number, "
                                                "or leave the qualification empty."))
        return data

    def costs(self) -> dict[str, Any]:
        return {c: self.cleaned_data.get(f"cost_{c}") for c in self.cost_types}

    def people(self) -> dict[str, int]:
        return {f"{g}_{s}": self.cleaned_data.get(f"{g}_{s}") or 0
                for g in PEOPLE for s in GENDERS}

    def qualifications(self) -> list[Any]:
        from .services import QualificationLine

        return [QualificationLine(self.cleaned_data[f"q{n}_from"].ssyk_code,
                                  self.cleaned_data[f"q{n}_to"].ssyk_code,
                                  self.cleaned_data[f"q{n}_count"])
                for n in range(1, QUALIFICATION_ROWS + 1)
                if self.cleaned_data.get(f"q{n}_from")]
