from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, MoneyFormField
from kompetensfond.core.models import Role, User
from kompetensfond.core.text import TextField
from kompetensfond.organisation.models import Body, Occupation

from .models import CostType, Plan, TargetKind


class PlanForm(forms.Form):
    title = TextField(label=_("Title"), max_length=200)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput())


class AdoptForm(forms.Form):
    adopted_by = forms.ModelChoiceField(label=_("Adopted by"), queryset=Body.objects.none())
    adopted_on = forms.DateField(label=_("Meeting date"), widget=DateInput())
    paragraph = forms.IntegerField(label=_("§ in the minutes"), min_value=1)
    case_number = TextField(label=_("Case number (dnr)"), max_length=60, required=False)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adopted_by"].queryset = bodies  # type: ignore[attr-defined]


class StrategyForm(forms.Form):
    code = TextField(label=_("Code"), max_length=20, help_text=_("For example S1."))
    title = TextField(label=_("Title"), max_length=200)
    description = TextField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TargetKind.choices)
    description = TextField(
        label=_("Description"), max_length=200,
        help_text=_("For example “30 barnskötare qualified as förskollärare”."))
    count = forms.IntegerField(label=_("Number"))
    due_date = forms.DateField(label=_("By"), widget=DateInput())
    occupation_from = forms.ModelChoiceField(label=_("From occupation"), required=False,
                                             queryset=Occupation.objects.none())
    occupation_to = forms.ModelChoiceField(label=_("To occupation"), required=False,
                                           queryset=Occupation.objects.none())

    def __init__(self, *args: Any, occupations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation_from"].queryset = occupations  # type: ignore[attr-defined]
        self.fields["occupation_to"].queryset = occupations  # type: ignore[attr-defined]


class ShortageForm(forms.Form):
    occupations = forms.ModelMultipleChoiceField(
        label=_("Shortage occupations"), queryset=Occupation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, occupations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupations"].queryset = occupations  # type: ignore[attr-defined]


class GuidelineForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Competence-supply plan"), queryset=Plan.objects.none(),
                                  required=False)
    eligible_cost_types = forms.MultipleChoiceField(
        label=_("Eligible costs"), choices=CostType.choices,
        widget=forms.CheckboxSelectMultiple)
    max_per_application = MoneyFormField(label=_("Maximum per application"), required=False,
                                         help_text=_("Empty: no ceiling."))
    max_per_participant = MoneyFormField(label=_("Maximum per participant"), required=False,
                                         help_text=_("Empty: no ceiling."))
    min_cofunding_percent = forms.DecimalField(label=_("Minimum co-funding (%)"),
                                               max_digits=5, decimal_places=2, initial=0)
    requires_strategy = forms.BooleanField(label=_("Must link at least one strategy"),
                                           required=False, initial=True)
    adopted_by = forms.ModelChoiceField(label=_("Adopted by"), queryset=Body.objects.none(),
                                        required=False)
    adopted_on = forms.DateField(label=_("Meeting date"), widget=DateInput(), required=False)
    paragraph = forms.IntegerField(label=_("§ in the minutes"), min_value=1, required=False)
    text = TextField(label=_("Guidelines in words"), required=False,
                           widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, plans: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["adopted_by"].queryset = bodies  # type: ignore[attr-defined]


class RoundForm(forms.Form):
    name = TextField(label=_("Name"), max_length=100)
    opens_at = forms.DateTimeField(
        label=_("Opens"), help_text=_("Swedish time, for example 2026-03-01 08:00."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    closes_at = forms.DateTimeField(
        label=_("Closes"), help_text=_("Swedish time. Applications are accepted until this "
                                       "moment."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class DelegationForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Delegating body"), queryset=Body.objects.none())
    max_amount = MoneyFormField(label=_("Up to"))
    delegation_point = TextField(label=_("Point in the delegation scheme"),
                                       max_length=30, help_text=_("For example 3.2."))
    delegate_role = forms.ChoiceField(label=_("Delegate role"), required=False,
                                      choices=[("", "—"), *Role.choices])
    delegate_user = forms.ModelChoiceField(
        label=_("Named delegate"), required=False, queryset=User.objects.none(),
        help_text=_("Instead of a role, a named person (for example the HR director)."))

    def __init__(self, *args: Any, bodies: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["delegate_user"].queryset = users  # type: ignore[attr-defined]
        self.fields["delegate_user"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.display_name)
