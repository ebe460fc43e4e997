from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.forms import DateInput, FilterForm, MoneyFormField
from kompetensfond.core.models import User
from kompetensfond.core.text import TextField
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.organisation.models import Body, Employee, Occupation, OrgUnit
from kompetensfond.plans.models import ApplicationRound, CostType, Strategy

from .models import PROPOSAL_CHOICES, Application


class ApplicationForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    unit = forms.ModelChoiceField(label=_("Applying unit"), queryset=OrgUnit.objects.none())
    title = TextField(label=_("Title"), max_length=200)
    purpose = TextField(label=_("Purpose"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    expected_effect = TextField(label=_("Expected effect"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    strategies = forms.ModelMultipleChoiceField(
        label=_("Strategies in the competence-supply plan"), required=False,
        queryset=Strategy.objects.none(), widget=forms.CheckboxSelectMultiple)
    occupations = forms.ModelMultipleChoiceField(label=_("Target occupations"), required=False,
                                                 queryset=Occupation.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End"), required=False, widget=DateInput())
    participants_women = forms.IntegerField(label=_("Participants: women"), min_value=0,
                                            initial=0)
    participants_men = forms.IntegerField(label=_("Participants: men"), min_value=0, initial=0)
    participants_other = forms.IntegerField(label=_("Participants: other or not stated"),
                                            min_value=0, initial=0)
    participants = forms.ModelMultipleChoiceField(
        label=_("Named participants"), required=False, queryset=Employee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Staff of the applying unit from the staff register. When you tick any, "
                    "the counts by gender are taken from them."))
    cofunding = MoneyFormField(label=_("Co-funding by the unit"), required=False)
    earmark = forms.ModelChoiceField(label=_("Requested earmark"), required=False,
                                     queryset=Earmark.objects.none(),
                                     empty_label=_("No earmark"))

    def __init__(self, *args: Any, funds: Any, units: Any, strategies: Any, occupations: Any,
                 earmarks: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.urls import reverse

        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        # choosing the unit reloads its staff in the participant picker (htmx)
        self.fields["unit"].widget.attrs.update({
            "hx-get": reverse("applications:participants"), "hx-trigger": "change",
            "hx-target": "#participants-picker", "hx-swap": "outerHTML",
            "hx-include": "[name='unit'],[name='participants']"})
        self.fields["participants"].queryset = staff  # type: ignore[attr-defined]
        self.fields["participants"].label_from_instance = (  # type: ignore[attr-defined]
            lambda e: f"{e.first_name} {e.last_name} ({e.employee_number}"
                      + (f", {e.occupation.name}" if e.occupation else "") + ")")
        self.fields["strategies"].queryset = strategies  # type: ignore[attr-defined]
        self.fields["occupations"].queryset = occupations  # type: ignore[attr-defined]
        self.fields["earmark"].queryset = earmarks  # type: ignore[attr-defined]


class BudgetLineForm(forms.Form):
    cost_type = forms.ChoiceField(label=_("Cost type"), choices=[("", "—"), *CostType.choices],
                                  required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    amount = MoneyFormField(label=_("Amount"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [data.get("cost_type"), data.get("year"), data.get("amount")]
        if any(filled) and not all(filled) and not data.get("DELETE"):
            raise forms.ValidationError(_("Fill in cost type, year and amount, or leave the "
                                          "row empty."))
        return data


# Four empty rows (more are added in the page, or after saving, without JavaScript); a row
# is removed by ticking its "remove" box.
BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=4, max_num=30, can_delete=True)


def budget_lines(formset: Any) -> list[tuple[str, int, Any]]:
    """(cost type, year, amount) of a bound formset's filled rows that are not removed."""
    return [(f.cleaned_data["cost_type"], f.cleaned_data["year"], f.cleaned_data["amount"])
            for f in formset.forms
            if getattr(f, "cleaned_data", None) and f.cleaned_data.get("cost_type")
            and f.cleaned_data.get("amount") and not f.cleaned_data.get("DELETE")]


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class RecommendForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Proposed decision"), widget=forms.RadioSelect,
                                choices=PROPOSAL_CHOICES)
    amount = MoneyFormField(label=_("Amount, when granted in part"), required=False)
    reason = TextField(label=_("Reasons"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class DelegatedDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                choices=PROPOSAL_CHOICES)
    amount = MoneyFormField(label=_("Amount, when granted in part"), required=False)
    conditions = TextField(label=_("Conditions"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    reason = TextField(label=_("Reasons"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    case_number = TextField(label=_("Case number (dnr)"), max_length=60, required=False)


class MeetingDecisionForm(DelegatedDecisionForm):
    """A body's decision on an agenda item: the delegated decision's fields and the § the
    decision has in the minutes."""

    paragraph = forms.IntegerField(
        label=_("§ in the minutes"), min_value=1, max_value=100_000, required=False,
        help_text=_("Leave empty to take the body's next §."))


class DecisionForm(MeetingDecisionForm):
    """A body's decision from the application page: the meeting's date first."""

    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    field_order = ["meeting_date"]


class ChangeDecisionForm(forms.Form):
    amount = MoneyFormField(label=_("New granted amount"))
    on = forms.DateField(label=_("Date of the change"), widget=DateInput())
    reason = TextField(label=_("Decision behind the change (body, date, §)"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class AgendaAddForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Application with a proposed decision"),
                                         queryset=Application.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = candidates  # type: ignore[attr-defined]


class MinutesApproveForm(forms.Form):
    on = forms.DateField(label=_("Minutes approved on"), widget=DateInput())


class ParagraphCounterForm(forms.Form):
    last_number = forms.IntegerField(
        label=_("Last § used"), min_value=0, max_value=100_000,
        help_text=_("Numbering continues after this § (items decided outside the system)."))


NOT_APPLICABLE = "na"


class AssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(label=_("Reviewers"),
                                               queryset=User.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    due_date = forms.DateField(label=_("Assess by"), required=False,
                               widget=DateInput())

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from datetime import timedelta

        from django.utils import timezone

        from .services.review import REVIEW_DAYS

        self.fields["due_date"].initial = timezone.localdate() + timedelta(days=REVIEW_DAYS)
        field = self.fields["reviewers"]
        field.queryset = reviewers  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]


class ConflictForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest (jäv) in this application?"),
        widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("no", _("No, I have no conflict of interest")),
                 ("yes", _("Yes, I have a conflict of interest"))])
    reason = TextField(label=_("About the conflict of interest"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(forms.Form):
    comment = TextField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), (NOT_APPLICABLE, _("Not applicable")),
                   *[(str(n), str(n)) for n in range(1, 6)]]
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=_("%(name)s (weight %(weight)s)") % {"name": criterion.name,
                                                           "weight": criterion.weight},
                choices=choices, help_text=_("1 is weakest, 5 strongest."))
        self.order_fields([*[f"c{c.pk}" for c in criteria], "comment"])

    def scores(self) -> dict[int, int | None]:
        return {int(name[1:]): None if value == NOT_APPLICABLE else int(value)
                for name, value in self.cleaned_data.items() if name.startswith("c")
                and name != "comment"}


class CriterionForm(forms.Form):
    name = TextField(label=_("Criterion"), max_length=120)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=10, initial=1,
                                help_text=_("1–10: how much the criterion counts."))


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    date = forms.DateField(label=_("Meeting date"), widget=DateInput())

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class ApplicationFilterForm(FilterForm):
    """The application list's search and filters; every value lives in the URL, so a view
    can be bookmarked and shared."""

    DELEGATED = "delegated"
    SORTS = {
        "title": ("title", "pk"), "-title": ("-title", "-pk"),
        "unit": ("unit__name", "pk"), "-unit": ("-unit__name", "-pk"),
        "fund": ("fund__name", "pk"), "-fund": ("-fund__name", "-pk"),
        "status": ("status", "pk"), "-status": ("-status", "-pk"),
        "requested": ("requested", "pk"), "-requested": ("-requested", "-pk"),
        "submitted": ("submitted_at", "pk"), "-submitted": ("-submitted_at", "-pk"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("Title, purpose, unit or case number (dnr)"))
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none(),
                                  required=False, empty_label=_("All"))
    round = forms.ModelChoiceField(label=_("Application round"),
                                   queryset=ApplicationRound.objects.none(), required=False,
                                   empty_label=_("All"))
    UNIT_CHOICES_UP_TO = 200
    unit = forms.ModelChoiceField(label=_("Administration or unit"),
                                  queryset=OrgUnit.objects.none(), required=False,
                                  empty_label=_("All"))
    status = forms.ChoiceField(label=_("Status"), required=False)
    strategy = forms.ModelChoiceField(label=_("Strategy"), queryset=Strategy.objects.none(),
                                      required=False, empty_label=_("All"))
    decided_by = forms.ChoiceField(label=_("Decided by"), required=False)
    start = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Submitted until"), required=False, widget=DateInput())
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                             choices=[(k, k) for k in SORTS])

    def __init__(self, *args: Any, funds: Any, rounds: Any, units: Any, strategies: Any,
                 bodies: Any, **kwargs: Any) -> None:
        from .models import Status

        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["round"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.guideline.fund.name}: {r.name}")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: ("\u2003" * u.depth) + u.name)
        self._fold_units(units)
        self.fields["strategy"].queryset = strategies  # type: ignore[attr-defined]
        self.fields["strategy"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"{s.code} {s.title} ({s.plan.title})")
        self.fields["status"].choices = [("", _("All")), *Status.choices]  # type: ignore[attr-defined]
        self.fields["decided_by"].choices = [  # type: ignore[attr-defined]
            ("", _("All")), (self.DELEGATED, _("A delegate")),
            *((str(b.pk), b.name) for b in bodies)]


    def _fold_units(self, units: Any) -> None:
        """A city has a thousand units: a list of them all is unusable (and loading them
        was most of the page's time). Then the choice offers the administrations (and the
        unit chosen); any unit is still accepted, and the text search finds units by
        name. Two queries either way: the count, and the units offered."""
        folded = units.count() > self.UNIT_CHOICES_UP_TO
        chosen = str(self.data.get("unit") or "") if self.is_bound else ""
        chosen_pk = int(chosen) if chosen.isdigit() and len(chosen) < 19 else 0
        shown = units.filter(Q(depth=0) | Q(pk=chosen_pk)) if folded else units
        self.fields["unit"].widget.choices = [("", _("All")), *(
            (u.pk, ("\u2003" * u.depth) + u.name) for u in shown)]
        if folded:
            self.fields["unit"].label = _("Administration")


class MeetingFilterForm(FilterForm):
    """The meeting list's filters, in the URL."""

    WHEN = [("", _("All")), ("coming", _("Coming")), ("past", _("Held")),
            ("open", _("Minutes not approved"))]
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none(),
                                  required=False, empty_label=_("All"))
    when = forms.ChoiceField(label=_("Which"), choices=WHEN, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


def _percent(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_value=100, max_digits=5,
                              decimal_places=2, required=False, **kwargs)


class PortfolioForm(FilterForm):
    """The rules the optimiser keeps ("Föreslå urval" on the ranking page)."""

    objective = forms.ChoiceField(
        label=_("Maximise"), initial="total",
        choices=[("total", _("the sum of the weighted scores of the grants")),
                 ("per_krona", _("the weighted score per krona granted"))])
    min_share = _percent(_("Part grants down to (per cent of what is asked)"), initial=100,
                         help_text=_("100: each application whole or not at all."))
    max_share = _percent(_("Each administration at most (per cent of what is granted)"))
    min_share_group = _percent(_("Each administration at least (per cent of what is granted)"))
    cover_strategies = forms.BooleanField(label=_("Every strategy of the plan at least once"),
                                          required=False)
    min_shortage = _percent(_("Participants in shortage occupations at least (per cent)"))
    min_gender = _percent(_("Participants of each gender at least (per cent)"))
    costs = forms.BooleanField(label=_("Also work out what each rule costs (takes longer)"),
                               required=False)
