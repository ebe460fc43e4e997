from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, FilterForm, MoneyFormField
from kompetensfond.core.text import TextField
from kompetensfond.funds.models import Earmark, Fund, FundStatus
from kompetensfond.organisation.models import Occupation, OrgUnit

from .models import AllowanceStatus, ClaimCategory, ClaimStatus, LeaverRule
from .selectors import UPTAKE_GROUPS


class SchemeForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    earmark = forms.ModelChoiceField(label=_("Earmark"), queryset=Earmark.objects.none(),
                                     required=False, empty_label=_("None (the fund)"))
    name = TextField(label=_("Name"), max_length=200)
    decision_reference = TextField(
        label=_("Decision"), max_length=200, required=False,
        help_text=_("Body, date, § and case number of the decision, e.g. “Farsta "
                    "stadsdelsnämnd 2026-11-19 § 142, dnr FA-2026/311”."))
    amount = MoneyFormField(label=_("Amount per employee for the period"))
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period until"), widget=DateInput())
    expiry_date = forms.DateField(label=_("Last day for claims"), widget=DateInput(),
                                  help_text=_("Unclaimed money goes back to the fund after "
                                              "this day."))
    cutoff_date = forms.DateField(label=_("Employed on"), widget=DateInput(),
                                  help_text=_("Employees employed on this day are eligible; "
                                              "those hired later join when they start."))
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"), queryset=Occupation.objects.none(), required=False,
        help_text=_("Leave empty for every occupation."), widget=forms.CheckboxSelectMultiple)
    units = forms.ModelMultipleChoiceField(
        label=_("Administrations and units"), queryset=OrgUnit.objects.none(), required=False,
        help_text=_("Each with the units below it. Leave empty for the whole organisation."),
        widget=forms.CheckboxSelectMultiple)
    min_employment_rate = forms.DecimalField(
        label=_("Employment rate at least (%)"), min_value=0, max_value=100, max_digits=5,
        decimal_places=2, initial=0, required=False)
    prorate_by_rate = forms.BooleanField(label=_("In proportion to the employment rate"),
                                         required=False, initial=True)
    prorate_by_start = forms.BooleanField(
        label=_("New hires get the part of the period left when they start"), required=False,
        initial=True)
    leaver_rule = forms.ChoiceField(label=_("Leavers"), choices=LeaverRule.choices,
                                    initial=LeaverRule.KEEP)

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fund: Any = self.fields["fund"]
        fund.queryset = Fund.objects.filter(municipality=municipality,
                                            status=FundStatus.OPEN).order_by("name")
        earmark: Any = self.fields["earmark"]
        earmark.queryset = Earmark.objects.filter(fund__municipality=municipality,
                                                  fund__status=FundStatus.OPEN
                                                  ).select_related("fund").order_by("name")
        earmark.label_from_instance = lambda e: f"{e.fund.name}: {e.name}"
        occupations: Any = self.fields["occupations"]
        occupations.queryset = Occupation.objects.filter(
            employees__municipality=municipality).distinct().order_by("ssyk_code")
        units: Any = self.fields["units"]
        units.queryset = OrgUnit.objects.filter(municipality=municipality,
                                                is_active=True).order_by("path")
        units.label_from_instance = lambda u: ("– " * u.depth) + u.name


class ClaimForm(forms.Form):
    activity = TextField(label=_("Activity"), max_length=200,
                         help_text=_("E.g. the course, conference or book."))
    provider = TextField(label=_("Provider"), max_length=200)
    category = forms.ChoiceField(label=_("Kind of cost"), choices=ClaimCategory.choices)
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("Until"), widget=DateInput())
    cost = MoneyFormField(label=_("Cost"))
    development_plan = TextField(
        label=_("Development plan"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What in your individual development plan or the latest development "
                    "dialogue the activity serves."))
    receipt = forms.FileField(label=_("Receipt or invoice"),
                              help_text=_("A PDF file or a PNG or JPEG image, at most 5 MB."))


class DecisionForm(forms.Form):
    comment = TextField(label=_("Comment or reason"), max_length=2000, required=False,
                        widget=forms.Textarea(attrs={"rows": 3}),
                        help_text=_("A rejection needs a reason; the employee sees it."))


class ClaimPaymentForm(forms.Form):
    on = forms.DateField(label=_("Paid on"), widget=DateInput())
    voucher = TextField(label=_("Voucher number"), max_length=40,
                        help_text=_("The payment's voucher number in the finance or payroll "
                                    "system."))


class AllowanceFilterForm(FilterForm):
    q = TextField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *AllowanceStatus.choices])


class ClaimFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *ClaimStatus.choices])


UPTAKE_LABELS = {"unit": _("Unit"), "administration": _("Administration"),
                 "occupation": _("Occupation"), "gender": _("Gender")}


class UptakeForm(FilterForm):
    by = forms.ChoiceField(label=_("Per"), required=False,
                           choices=[(key, UPTAKE_LABELS[key]) for key in UPTAKE_GROUPS])
