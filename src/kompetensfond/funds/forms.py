from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, MoneyFormField
from kompetensfond.core.text import TextField
from kompetensfond.organisation.models import Body, Occupation, OrgUnit
from kompetensfond.plans.models import Strategy

from .models import ContributionSource


class FundForm(forms.Form):
    name = TextField(label=_("Name"), max_length=200)
    description = TextField(label=_("Purpose"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    owning_body = forms.ModelChoiceField(label=_("Owning body"), queryset=Body.objects.none(),
                                         help_text=_("The body that decides on the fund."))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput(),
                               help_text=_("The last day money may be granted."))

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owning_body"].queryset = bodies  # type: ignore[attr-defined]


class ContributionForm(forms.Form):
    amount = MoneyFormField(label=_("Amount"))
    on = forms.DateField(label=_("Date in the fund"), widget=DateInput(),
                         help_text=_("The day the money is put into the fund."))
    source = forms.ChoiceField(label=_("Source"), choices=ContributionSource.choices)
    source_text = TextField(label=_("Source, in words"), required=False, max_length=200,
                                  help_text=_("For example “Result for the year 2017”. "
                                              "Required when the source is Other."))
    decision_body = forms.ModelChoiceField(label=_("Decided by"), queryset=Body.objects.none())
    decision_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    paragraph = forms.IntegerField(
        label=_("§ in the minutes"), min_value=1, max_value=100_000, required=False,
        help_text=_("Leave empty to take the body's next § in the register."))
    case_number = TextField(label=_("Case number (dnr)"), max_length=60)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_body"].queryset = bodies  # type: ignore[attr-defined]


class EarmarkForm(forms.Form):
    name = TextField(label=_("Name"), max_length=200)
    amount = MoneyFormField(label=_("Amount"))
    purpose = TextField(label=_("Purpose"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    administration = forms.ModelChoiceField(
        label=_("Only for the administration"), queryset=OrgUnit.objects.none(), required=False,
        empty_label=_("Any administration"),
        help_text=_("A frame per administration is an earmark restricted to it."))
    occupations = forms.ModelMultipleChoiceField(
        label=_("Only for the occupations"), queryset=Occupation.objects.none(), required=False,
        help_text=_("Leave empty for every occupation."), widget=forms.CheckboxSelectMultiple)
    strategies = forms.ModelMultipleChoiceField(
        label=_("Only for the strategies"), queryset=Strategy.objects.none(), required=False,
        help_text=_("Strategies of the competence-supply plan; leave empty for all."),
        widget=forms.CheckboxSelectMultiple)
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args: Any, administrations: Any, occupations: Any, strategies: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = administrations  # type: ignore[attr-defined]
        self.fields["occupations"].queryset = occupations  # type: ignore[attr-defined]
        self.fields["strategies"].queryset = strategies  # type: ignore[attr-defined]


class EarmarkAdjustForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Raise or lower the earmark"), widget=forms.RadioSelect,
        choices=[("add", _("Move more money into the earmark")),
                 ("release", _("Give money back to the fund"))])
    amount = MoneyFormField(label=_("Amount"))
    on = forms.DateField(label=_("Date"), widget=DateInput())
