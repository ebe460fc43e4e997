from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import FilterForm
from kompetensfond.core.text import TextField

from .importing.columns import COLUMNS
from .models import Body, Gender, Occupation, OrgUnit, Sector

STATUS_CHOICES = [("active", _("Employed")), ("ended", _("Ended")), ("all", _("All"))]


class EmployeeFilterForm(FilterForm):
    q = TextField(label=_("Search"), required=False,
                        help_text=_("Name, employee number or e-mail"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(),
                                  required=False, empty_label=_("All units"))
    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.none(),
                                        required=False, empty_label=_("All occupations"))
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=[("", _("All")), *Gender.choices])
    status = forms.ChoiceField(label=_("Employment"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, units: Any, occupations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["occupation"].queryset = occupations  # type: ignore[attr-defined]


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Staff file (CSV or XLSX)"),
                           help_text=_("At most 20 MB. Use the template's column names, or map "
                                       "your own in the next step."))


class ImportMappingForm(forms.Form):
    """One select per column of the staff file: which of the file's columns holds it."""

    def __init__(self, *args: Any, header: list[str], initial_mapping: dict[str, int],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)"))] + [(str(i), h or f"#{i + 1}")
                                                      for i, h in enumerate(header)]
        for column in COLUMNS:
            index = initial_mapping.get(column.key)
            self.fields[column.key] = forms.ChoiceField(
                label=f"{column.header} – {column.label}", choices=choices,
                required=column.required,
                initial="" if index is None else str(index),
            )


class ImportConfirmForm(forms.Form):
    end_missing = forms.BooleanField(
        label=_("End employees who are not in the file"), required=False,
        help_text=_("They get yesterday as their last day of employment. Leave unticked when "
                    "the file holds only part of the staff."),
    )


class OrgUnitForm(forms.Form):
    name = TextField(label=_("Name"), max_length=150)
    cost_centre = TextField(label=_("Cost centre"), max_length=20)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    parent = forms.ModelChoiceField(label=_("Part of"), queryset=OrgUnit.objects.none(),
                                    required=False,
                                    empty_label=_("(top level: an administration)"))
    responsible_body = forms.ModelChoiceField(label=_("Responsible body"),
                                              queryset=Body.objects.none(), required=False)

    def __init__(self, *args: Any, units: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible_body"].queryset = bodies  # type: ignore[attr-defined]
