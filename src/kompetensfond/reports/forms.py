from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, FilterForm
from kompetensfond.funds.models import Fund

from .selectors import DIMENSIONS, dimension_labels


class ReportFilterForm(FilterForm):
    """A report's fund, grouping and period, in the URL."""

    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none(),
                                  required=False, empty_label=_("All funds"))
    by = forms.ChoiceField(label=_("Distribution per"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, funds: Any, with_by: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]
        labels = dimension_labels()
        self.fields["by"].choices = [(d, labels[d]) for d in DIMENSIONS]  # type: ignore[attr-defined]
        if not with_by:
            del self.fields["by"]
