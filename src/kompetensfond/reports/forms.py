from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, FilterForm, MoneyFormField
from kompetensfond.core.text import TextField
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Occupation, OrgUnit


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


MAX_ALLOWANCE = 1_000_000  # kr per employee and year: beyond it the proposal is a typo


class ScenarioForm(FilterForm):
    """An allowance proposal to simulate, in the URL so it can be shared and compared."""

    amount = MoneyFormField(label=_("Amount per employee and year"))
    years = forms.IntegerField(label=_("Years"), min_value=1, max_value=10, initial=1)
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"), queryset=Occupation.objects.none(), required=False,
        help_text=_("Leave empty for every occupation."), widget=forms.CheckboxSelectMultiple)
    administrations = forms.ModelMultipleChoiceField(
        label=_("Administrations"), queryset=OrgUnit.objects.none(), required=False,
        help_text=_("Leave empty for the whole organisation."),
        widget=forms.CheckboxSelectMultiple)
    min_rate = forms.DecimalField(label=_("Employment rate at least (%)"), min_value=0,
                                  max_value=100, max_digits=5, decimal_places=2, initial=0,
                                  required=False)
    prorate = forms.BooleanField(label=_("In proportion to the employment rate"),
                                 required=False)
    fund = forms.ModelChoiceField(label=_("Compare with the fund"),
                                  queryset=Fund.objects.none(), required=False,
                                  empty_label=_("All funds"))

    def __init__(self, *args: Any, municipality: Any, funds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        occupations: Any = self.fields["occupations"]
        occupations.queryset = Occupation.objects.filter(
            employees__municipality=municipality).distinct().order_by("ssyk_code")
        administrations: Any = self.fields["administrations"]
        administrations.queryset = OrgUnit.objects.filter(
            municipality=municipality, parent__isnull=True).order_by("name")
        fund: Any = self.fields["fund"]
        fund.queryset = funds

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount is not None and not 0 < amount <= MAX_ALLOWANCE:
            raise forms.ValidationError(_("Enter an amount above 0 kr and at most 1 000 000 kr."))
        return amount


class SavedScenarioForm(forms.Form):
    name = TextField(label=_("Save the proposal as"), max_length=120)


def scenario_form(user: Any, query: str) -> ScenarioForm:
    """The simulator's form bound to a saved or given query."""
    from kompetensfond.core.permissions import municipality_of
    from kompetensfond.funds.selectors import fund_list

    return ScenarioForm(QueryDict(query), municipality=municipality_of(user),
                        funds=fund_list(user=user))
