"""REST API: ``applications`` with the actions ``submit``, ``start-review``, ``return``,
``withdraw``, ``recommend`` and ``decide``. Refusals are 400/403/409 with a Swedish
``detail``; a submission that breaks the guidelines is 400 with ``findings``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kompetensfond.core.api_support import ID_PATTERN, id_field, people_field
from kompetensfond.core.models import User
from kompetensfond.core.money import as_api_string
from kompetensfond.core.permissions import check
from kompetensfond.core.requests import actor_of
from kompetensfond.core.text import ApiTextField
from kompetensfond.funds.selectors import fund_list
from kompetensfond.ledger.permissions import can_view_ledger
from kompetensfond.organisation.selectors import body_list, occupation_choices, org_unit_list
from kompetensfond.plans.models import CostType, Strategy

from .models import Application, Decision, Meeting, Outcome
from .selectors import (
    access_application,
    application_list,
    available_actions,
    findings_for,
    meeting_list,
    requested_amount,
    review_summary,
)
from .services import (
    GuidelineError,
    Line,
    agenda_item_add,
    application_create,
    application_recommend,
    application_return,
    application_start_review,
    application_submit,
    application_withdraw,
    decision_change,
    decision_record_at_meeting,
    decision_record_delegated,
    meeting_create,
    minutes_approve,
    review_save,
    reviewers_assign,
)


class BudgetLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cost_type = serializers.ChoiceField(choices=CostType.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    amount = ApiTextField(help_text='Decimal string, e.g. "120000.00".')


class ApplicationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    budget = serializers.SerializerMethodField()
    requested = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "fund", "unit", "contact", "title", "purpose", "expected_effect",
                  "strategies", "start_date", "end_date", "participants_women",
                  "participants_men", "participants_other", "cofunding", "earmark", "status",
                  "submitted_at", "recommendation", "recommended_amount", "budget",
                  "requested", "decision", "actions"]

    def get_budget(self, application: Application) -> list[dict[str, Any]]:
        return [{"cost_type": b.cost_type, "year": b.year, "amount": as_api_string(b.amount)}
                for b in application.budget_lines.all()]

    def get_requested(self, application: Application) -> str:
        return as_api_string(requested_amount(application))

    def get_actions(self, application: Application) -> list[str]:
        """What the caller can do with the application now (life-cycle transitions); given
        for one application, empty in lists."""
        request = self.context.get("request")
        if request is None or not self.context.get("with_actions"):
            return []  # lists leave them out: they would cost queries per row
        return [t.name for t in available_actions(request.user, application)]

    def get_decision(self, application: Application) -> dict[str, Any] | None:
        decision = getattr(application, "decision", None)
        if decision is None:
            return None
        return {"outcome": decision.outcome, "amount": as_api_string(decision.amount),
                "reference": decision.reference, "paragraph": decision.paragraph,
                "decided_on": decision.decided_on.isoformat()}


class ApplicationCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    fund = id_field()
    unit = id_field()
    title = ApiTextField(max_length=200)
    purpose = ApiTextField(required=False, allow_blank=True, default="")
    expected_effect = ApiTextField(required=False, allow_blank=True, default="")
    strategies = serializers.ListField(child=id_field(), required=False,
                                       default=list)
    occupations = serializers.ListField(child=ApiTextField(), required=False,
                                        default=list, help_text="SSYK codes")
    employee_numbers = serializers.ListField(child=ApiTextField(), required=False,
                                             default=list,
                                             help_text="named participants (employee numbers)")
    participants_women = people_field(default=0)
    participants_men = people_field(default=0)
    participants_other = people_field(default=0)
    cofunding = ApiTextField(required=False, default="0")
    budget = BudgetLineSerializer(many=True)


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = ApiTextField(required=False, allow_blank=True, default="")


class RecommendSerializer(serializers.Serializer):  # type: ignore[type-arg]
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    amount = ApiTextField(required=False, allow_null=True, default=None)
    reason = ApiTextField(required=False, allow_blank=True, default="")


class DecideSerializer(RecommendSerializer):
    meeting_date = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text="A body's decision at this meeting; "
                                                   "omit for a delegated decision.")
    paragraph = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=100_000,
        help_text="The § in the minutes (meeting decisions); omitted: the body's next.")
    conditions = ApiTextField(required=False, allow_blank=True, default="")
    case_number = ApiTextField(required=False, allow_blank=True, default="")


class ChangeDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    amount = ApiTextField(help_text='The new granted amount, e.g. "120000.00".')
    reason = ApiTextField(help_text="The decision behind the change.")
    on = serializers.DateField(required=False, allow_null=True, default=None)


class AssignSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reviewers = serializers.ListField(child=id_field(), min_length=1, max_length=50)
    due_date = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="Assess by (default: in 14 days).")


class ReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    conflict = serializers.BooleanField(required=False, allow_null=True, default=None)
    conflict_reason = ApiTextField(required=False, allow_blank=True, default="")
    scores = serializers.DictField(child=serializers.IntegerField(allow_null=True, min_value=1,
                                                                  max_value=5),
                                   required=False, help_text="criterion id → 1–5 or null "
                                   "(not applicable)")
    comment = ApiTextField(required=False, allow_blank=True, default="")

    def validate_scores(self, scores: dict[str, Any]) -> dict[int, int | None]:
        """Criterion ids as keys: whole numbers (a 400 otherwise, never a crash)."""
        if any(not key.isdigit() or len(key) > 18 for key in scores):
            raise serializers.ValidationError(_("Use the criteria's ids as keys."))
        return {int(key): value for key, value in scores.items()}


class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = ApplicationSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        # the decision and what its reference names, joined: no query per application
        return (application_list(user=self.request.user)
                .select_related("decision__body", "decision__meeting__body")
                .prefetch_related("budget_lines", "strategies"))

    def _respond(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        fresh = access_application(self.request.user, application.pk)
        return Response(ApplicationSerializer(fresh, context={
            "request": self.request, "with_actions": True}).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(access_application(request.user, kwargs["pk"]))

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ApplicationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        fund = get_object_or_404(fund_list(user=request.user), pk=data.pop("fund"))
        unit = get_object_or_404(org_unit_list(user=request.user), pk=data.pop("unit"))
        strategy_ids, codes = data.pop("strategies"), data.pop("occupations")
        strategies = list(Strategy.objects.filter(plan__municipality=fund.municipality,
                                                  pk__in=strategy_ids))
        occupations = list(occupation_choices().filter(ssyk_code__in=codes))
        if len(strategies) != len(set(strategy_ids)):
            raise serializers.ValidationError({"strategies": ["Okänd strategi."]})
        if len(occupations) != len(set(codes)):
            raise serializers.ValidationError({"occupations": ["Okänd SSYK-kod."]})
        lines = [Line(b["cost_type"], b["year"], b["amount"]) for b in data.pop("budget")]
        application = application_create(actor=actor_of(request), fund=fund, unit=unit,
                                         lines=lines, strategies=strategies,
                                         occupations=occupations, **data)
        return self._respond(application, status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def findings(self, request: Request, pk: str) -> Response:
        """The guideline findings for the application as it stands."""
        application = access_application(request.user, pk)
        return Response([{"severity": f.severity.value, "code": f.code, "message": f.message}
                         for f in findings_for(application)])

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        application = access_application(request.user, pk)
        try:
            application_submit(actor=actor_of(request), application=application)
        except GuidelineError as exc:
            return Response({"code": exc.code, "detail": exc.message,
                             "findings": [{"severity": f.severity.value, "code": f.code,
                                           "message": f.message} for f in exc.findings]},
                            status=status.HTTP_400_BAD_REQUEST)
        return self._respond(application)

    def _apply(self, request: Request, pk: str, serializer_class: Any, run: Any) -> Response:
        """Validate the body (if any), call the service through ``run(application, data)``
        and answer with the application as it now is."""
        application = access_application(request.user, pk)
        data: dict[str, Any] = {}
        if serializer_class is not None:
            body = serializer_class(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
        run(application, data)
        return self._respond(application)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request: Request, pk: str) -> Response:
        return self._apply(request, pk, None, lambda a, d: application_start_review(
            actor=actor_of(request), application=a))

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_completion(self, request: Request, pk: str) -> Response:
        return self._apply(request, pk, ReasonSerializer, lambda a, d: application_return(
            actor=actor_of(request), application=a, reason=d["reason"]))

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._apply(request, pk, ReasonSerializer, lambda a, d: application_withdraw(
            actor=actor_of(request), application=a, reason=d["reason"]))

    @extend_schema(request=RecommendSerializer)
    @action(detail=True, methods=["post"])
    def recommend(self, request: Request, pk: str) -> Response:
        return self._apply(request, pk, RecommendSerializer, lambda a, d: application_recommend(
            actor=actor_of(request), application=a, **d))

    @extend_schema(request=DecideSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """With ``meeting_date``: the body's decision at that meeting (next §). Without: a
        delegated decision by the caller, within the fund's delegation rules."""
        application = access_application(request.user, pk)
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        meeting_date, paragraph = data.pop("meeting_date"), data.pop("paragraph")
        if meeting_date is None:
            decision_record_delegated(actor=actor_of(request), application=application, **data)
        else:
            decision_record_at_meeting(actor=actor_of(request), application=application,
                                       on=meeting_date, paragraph=paragraph, **data)
        return self._respond(application)

    @extend_schema(request=ChangeDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="change-decision")
    def change_decision(self, request: Request, pk: str) -> Response:
        """Change the granted amount: the decision and the ledger change together."""
        return self._apply(request, pk, ChangeDecisionSerializer, lambda a, d: decision_change(
            actor=actor_of(request), application=a, **d))

    @extend_schema(request=AssignSerializer)
    @action(detail=True, methods=["post"], url_path="assign-reviewers")
    def assign_reviewers(self, request: Request, pk: str) -> Response:
        application = access_application(request.user, pk)
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reviewers = list(User.objects.filter(membership__municipality=application.municipality,
                                             pk__in=body.validated_data["reviewers"]))
        if len(reviewers) != len(set(body.validated_data["reviewers"])):
            raise serializers.ValidationError({"reviewers": ["Okänd användare."]})
        reviewers_assign(actor=actor_of(request), application=application, reviewers=reviewers,
                         due_date=body.validated_data["due_date"])
        return self._respond(application)

    @extend_schema(request=ReviewSerializer)
    @action(detail=True, methods=["get", "post"])
    def reviews(self, request: Request, pk: str) -> Response:
        """GET: the assessments the caller may see and the weighted score. POST (the
        assigned reviewer): ``conflict`` first, then ``scores`` and ``comment``."""
        application = access_application(request.user, pk)
        if request.method == "POST":
            review = get_object_or_404(application.reviews, reviewer_id=request.user.pk)
            body = ReviewSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            scores = data.get("scores")
            review_save(actor=actor_of(request), review=review, conflict=data["conflict"],
                        conflict_reason=data["conflict_reason"], comment=data["comment"],
                        scores=scores)
        summary = review_summary(application, request.user)
        return Response({
            "score": None if summary.score is None else str(summary.score),
            "reviews": [{"reviewer": row.review.reviewer.display_name,
                         "conflict": row.review.conflict,
                         "submitted": row.review.submitted_at is not None,
                         "scores": {str(k): v for k, v in row.scores.items()},
                         "weighted": None if row.mean is None else str(row.mean),
                         "comment": row.review.comment} for row in summary.rows],
        })


class MeetingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    agenda = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "body", "date", "approved_on", "agenda", "decisions"]

    def get_agenda(self, meeting: Meeting) -> list[dict[str, Any]]:
        return [{"item": i.position, "application": i.application_id,
                 "proposal": i.proposal, "proposed_amount": as_api_string(i.proposed_amount),
                 "requested": as_api_string(i.requested)} for i in meeting.items.all()]

    def get_decisions(self, meeting: Meeting) -> list[dict[str, Any]]:
        return [{"application": d.application_id, "paragraph": d.paragraph,
                 "outcome": d.outcome, "amount": as_api_string(d.amount),
                 "reference": d.reference} for d in meeting.decisions.all()]


class MeetingSummarySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A meeting in the list: how many items and decisions; the detail has them all (a
    city's meeting may take hundreds of decisions)."""

    agenda_items = serializers.IntegerField(source="item_count", read_only=True)
    decisions = serializers.IntegerField(source="decision_count", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "body", "date", "approved_on", "agenda_items", "decisions"]


class MeetingCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    body = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    date = serializers.DateField()


class AgendaSerializer(serializers.Serializer):  # type: ignore[type-arg]
    application = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ApproveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.DateField(required=False, allow_null=True, default=None)


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Meetings of the municipality's bodies with the decisions taken at each."""

    serializer_class = MeetingSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        check(can_view_ledger(self.request.user))
        meetings = meeting_list(user=self.request.user)
        if self.action == "list":
            return meetings.annotate(decision_count=Subquery(
                Decision.objects.filter(meeting=OuterRef("pk")).order_by()
                .values("meeting").annotate(n=Count("pk")).values("n")))
        # the decisions in § order with what their reference names, in one query
        decisions = Prefetch("decisions", queryset=Decision.objects.select_related(
            "body", "meeting__body").order_by("paragraph", "pk"))
        return meetings.prefetch_related(decisions, "items")

    def get_serializer_class(self) -> Any:
        return MeetingSummarySerializer if self.action == "list" else MeetingSerializer

    def _respond(self, meeting: Meeting) -> Response:
        fresh = get_object_or_404(self.get_queryset(), pk=meeting.pk)
        return Response(MeetingSerializer(fresh).data)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Plan a meeting of a body (or get the one on that day)."""
        body = MeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decider = get_object_or_404(body_list(user=request.user), pk=body.validated_data["body"])
        meeting = meeting_create(actor=actor_of(request), body=decider,
                                 on=body.validated_data["date"])
        response = self._respond(meeting)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=AgendaSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, pk: str) -> Response:
        """Put an application with a proposed decision on the meeting's agenda (last)."""
        return self._apply(request, pk, AgendaSerializer, lambda m, d: agenda_item_add(
            actor=actor_of(request), meeting=m,
            application=access_application(request.user, d["application"])))

    @extend_schema(request=ApproveSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Record that the minutes are approved (justerat): the meeting no longer changes."""
        return self._apply(request, pk, ApproveSerializer, lambda m, d: minutes_approve(
            actor=actor_of(request), meeting=m, on=d["on"]))

    def _apply(self, request: Request, pk: str, serializer_class: Any, run: Any) -> Response:
        """Validate the body, call the service through ``run(meeting, data)`` and answer
        with the meeting as it now is."""
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        body = serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        run(meeting, dict(body.validated_data))
        return self._respond(meeting)


class PortfolioOptionsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    objective = serializers.ChoiceField(choices=["total", "per_krona"], default="total")
    min_share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,  # type: ignore[arg-type]
                                         max_value=100, default=100)  # type: ignore[arg-type]
    max_share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,  # type: ignore[arg-type]
                                         max_value=100, required=False, allow_null=True,  # type: ignore[arg-type]
                                         default=None)
    min_share_group = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,  # type: ignore[arg-type]
                                               max_value=100, required=False,  # type: ignore[arg-type]
                                               allow_null=True, default=None)
    cover_strategies = serializers.BooleanField(default=False)
    costs = serializers.BooleanField(default=False, help_text=(
        "Also work out what each rule costs: one solve more per rule (at most 300 "
        "applications)."))
    min_shortage = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,  # type: ignore[arg-type]
                                            max_value=100, required=False, allow_null=True,  # type: ignore[arg-type]
                                            default=None)
    min_gender = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,  # type: ignore[arg-type]
                                          max_value=100, required=False, allow_null=True,  # type: ignore[arg-type]
                                          default=None)


PortfolioSerializer = inline_serializer("Portfolio", {
    "feasible": serializers.BooleanField(), "proven": serializers.BooleanField(),
    "value": serializers.CharField(),
    "total": serializers.CharField(),
    "grants": inline_serializer("PortfolioGrant", {
        "application": serializers.IntegerField(), "requested": serializers.CharField(),
        "amount": serializers.CharField(), "score": serializers.CharField()}, many=True),
    "rules": inline_serializer("PortfolioRule", {
        "rule": serializers.CharField(), "binding": serializers.BooleanField(),
        "cost": serializers.CharField()}, many=True),
    "conflicts": serializers.ListField(child=serializers.CharField()),
    "greedy": inline_serializer("PortfolioGreedy", {
        "value": serializers.CharField(), "total": serializers.CharField(),
        "breaks": serializers.ListField(child=serializers.CharField())})})


class PortfolioApi(APIView):
    @extend_schema(request=PortfolioOptionsSerializer, responses={200: PortfolioSerializer})
    def post(self, request: Request, pk: str) -> Response:
        """A proposed selection of the fund's assessed applications under the given rules,
        with what each rule costs and the greedy ranking beside it. Advice only: nothing is
        decided or written."""
        from kompetensfond.funds.selectors import access_fund

        from .views.review import portfolio_view_model

        fund = access_fund(request.user, pk)
        check(can_view_ledger(request.user))
        body = PortfolioOptionsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        model = portfolio_view_model(fund, dict(body.validated_data))
        proposal = model["proposal"]
        return Response({
            "feasible": proposal.feasible, "proven": proposal.proven,
            "value": str(proposal.value),
            "total": as_api_string(proposal.total),
            "grants": [{"application": application.pk,
                        "requested": as_api_string(candidate.amount),
                        "amount": as_api_string(amount), "score": str(candidate.score)}
                       for application, candidate, amount in model["grants"]],
            "rules": [{"rule": label, "binding": cost.binding, "cost": str(cost.cost)}
                      for label, cost in model["costs"]],
            "conflicts": model["conflicts"],
            "greedy": {"value": str(proposal.greedy_value),
                       "total": as_api_string(model["greedy_total"]),
                       "breaks": model["greedy_breaks"]}})
