from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, FilterForm
from kompetensfond.funds.models import Fund


class ReportFilterForm(FilterForm):
    """A report's fund, grouping and period, in the URL. ``by_choices`` are the report's
    groupings (none: no field); ``one_fund`` reports (the forecast) take a single fund and
    no period."""

    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none(),
                                  required=False, empty_label=_("All funds"))
    by = forms.ChoiceField(label=_("Distribution per"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, funds: Any, by_choices: list[tuple[str, str]] | None = None,
                 one_fund: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fund: Any = self.fields["fund"]
        fund.queryset = funds
        if by_choices:
            self.fields["by"].choices = by_choices  # type: ignore[attr-defined]
        else:
            del self.fields["by"]
        if one_fund:
            fund.empty_label = None
            del self.fields["start"], self.fields["end"]
