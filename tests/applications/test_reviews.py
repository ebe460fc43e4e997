"""Review: conflict of interest first, weighted scores with "not applicable" left out, who
sees whose scores, and the ranking against the money left."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kompetensfond.applications.models import Review, Status
from kompetensfond.applications.scoring import application_score, weighted_mean
from kompetensfond.applications.selectors import access_application, ranking, review_summary
from kompetensfond.applications.services import (
    Line,
    application_create,
    application_submit,
    conflict_declare,
    criterion_create,
    review_submit,
    reviewers_assign,
)
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.plans.services import guideline_save
from tests.factories import OrgUnitFactory, fund_with_capital, member

pytestmark = pytest.mark.django_db


def test_weighted_mean_leaves_not_applicable_out() -> None:
    assert weighted_mean([(3, 4), (1, 2)]) == Decimal("3.50")
    # not applicable is left out with its weight, never counted as 0
    assert weighted_mean([(3, 4), (2, None)]) == Decimal("4.00")
    assert weighted_mean([(3, None)]) is None
    assert application_score([Decimal("3.50"), None, Decimal("4.00")]) == Decimal("3.75")
    assert application_score([]) is None


@pytest.fixture
def world(municipality, fund_admin):
    fund = fund_with_capital(municipality, "300000.00", start_date=date(2024, 1, 1),
                             end_date=date(2030, 12, 31))
    guideline_save(actor=fund_admin, fund=fund, plan=None, eligible_cost_types=["course_fee"],
                   requires_strategy=False)
    fit = criterion_create(actor=fund_admin, fund=fund, name="Koppling till strategi", weight=3)
    equality = criterion_create(actor=fund_admin, fund=fund, name="Jämställdhet", weight=1)
    unit = OrgUnitFactory(municipality=municipality)
    apps = []
    for title, amount in (("A", "200000.00"), ("B", "150000.00"), ("C", "50000.00")):
        application = application_create(actor=fund_admin, fund=fund, unit=unit, title=title,
                                         participants_women=3,
                                         lines=[Line("course_fee", 2025, amount)])
        application_submit(actor=fund_admin, application=application)
        apps.append(application)
    bertil = member(municipality, Role.REVIEWER, username="bertil")
    berit = member(municipality, Role.REVIEWER, username="berit")
    return {"fund": fund, "fit": fit, "equality": equality, "apps": apps, "bertil": bertil,
            "berit": berit}


def test_conflicted_reviewers_cannot_score_or_see_others(world, fund_admin) -> None:
    a = world["apps"][0]
    reviewers_assign(actor=fund_admin, application=a, reviewers=[world["bertil"],
                                                                world["berit"]])
    a.refresh_from_db()
    assert a.status == Status.IN_REVIEW
    bertil = Review.objects.get(reviewer=world["bertil"])
    berit = Review.objects.get(reviewer=world["berit"])
    with pytest.raises(ConflictError) as exc:  # declare first
        review_submit(actor=world["bertil"], review=bertil,
                      scores={world["fit"].pk: 4, world["equality"].pk: 2})
    assert exc.value.code == "conflict_not_declared"
    with pytest.raises(ValidationError):
        conflict_declare(actor=world["berit"], review=berit, conflict=True, reason=" ")
    conflict_declare(actor=world["berit"], review=berit, conflict=True,
                     reason="Min syster arbetar på enheten")
    with pytest.raises(ConflictError) as exc:
        review_submit(actor=world["berit"], review=berit,
                      scores={world["fit"].pk: 5, world["equality"].pk: 5})
    assert exc.value.code == "conflicted"
    with pytest.raises(PermissionDenied):  # nobody scores another's assessment
        conflict_declare(actor=world["berit"], review=bertil, conflict=False)
    conflict_declare(actor=world["bertil"], review=bertil, conflict=False)
    review_submit(actor=world["bertil"], review=bertil,
                  scores={world["fit"].pk: 4, world["equality"].pk: None}, comment="Bra")
    summary = review_summary(a, world["berit"])
    assert not summary.may_see_all
    assert [r.review for r in summary.rows] == [berit]  # only her own, no scores
    assert summary.score is None
    officer_view = review_summary(a, fund_admin)
    assert officer_view.score == Decimal("4.00")  # n/a left out, not counted as 0


def test_scores_must_be_on_the_scale_and_cover_every_criterion(world, fund_admin) -> None:
    a = world["apps"][0]
    reviewers_assign(actor=fund_admin, application=a, reviewers=[world["bertil"]])
    review = Review.objects.get()
    conflict_declare(actor=world["bertil"], review=review, conflict=False)
    with pytest.raises(ValidationError):
        review_submit(actor=world["bertil"], review=review, scores={world["fit"].pk: 4})
    with pytest.raises(ValidationError):
        review_submit(actor=world["bertil"], review=review,
                      scores={world["fit"].pk: 6, world["equality"].pk: 1})
    assert not review.scores.exists()


def test_only_reviewers_are_assigned_and_they_see_only_their_applications(world, fund_admin,
                                                                          viewer) -> None:
    with pytest.raises(ValidationError):
        reviewers_assign(actor=fund_admin, application=world["apps"][0], reviewers=[viewer])
    reviewers_assign(actor=fund_admin, application=world["apps"][1],
                     reviewers=[world["bertil"]])
    assert access_application(world["bertil"], world["apps"][1].pk)
    from django.http import Http404

    with pytest.raises(Http404):
        access_application(world["bertil"], world["apps"][0].pk)


def test_ranking_by_weighted_score_with_a_running_total(world, fund_admin) -> None:
    a, b, c = world["apps"]
    for application, fit in ((a, 2), (b, 5), (c, 4)):
        reviewers_assign(actor=fund_admin, application=application, reviewers=[world["bertil"]])
        review = Review.objects.get(application=application)
        conflict_declare(actor=world["bertil"], review=review, conflict=False)
        review_submit(actor=world["bertil"], review=review,
                      scores={world["fit"].pk: fit, world["equality"].pk: 3})
    rows, available = ranking(world["fund"])
    assert available == Decimal("300000.00")
    assert [r.application.title for r in rows] == ["B", "C", "A"]
    assert [r.running_total for r in rows] == [Decimal("150000.00"), Decimal("200000.00"),
                                               Decimal("400000.00")]
    assert [r.fits for r in rows] == [True, True, False]
    assert rows[0].score == Decimal("4.50")  # (5×3 + 3×1) / 4


def test_review_pages(client, world, fund_admin) -> None:
    a = world["apps"][0]
    client.force_login(fund_admin)
    client.post(reverse("applications:assign", args=[a.pk]),
                {"reviewers": [world["bertil"].pk]})
    assert Review.objects.filter(application=a).exists()
    client.force_login(world["bertil"])
    page = client.get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert "Anmäl jäv" in page
    client.post(reverse("applications:conflict", args=[a.pk]), {"conflict": "no"})
    page = client.get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert "Spara bedömning" in page
    response = client.post(reverse("applications:score", args=[a.pk]), {
        f"c{world['fit'].pk}": "5", f"c{world['equality'].pk}": "na", "comment": "Tydlig"},
        follow=True)
    assert "Din bedömning har sparats." in response.content.decode()
    assert "Viktat betyg 5,00 av 5" in response.content.decode()
    client.force_login(fund_admin)
    ranking_page = client.get(reverse("applications:ranking", args=[world["fund"].pk]))
    assert ranking_page.status_code == 200
    assert "Ackumulerat" in ranking_page.content.decode()
    criteria = client.post(reverse("applications:criteria", args=[world["fund"].pk]),
                           {"name": "Kostnad per deltagare", "weight": "11"})
    assert "mindre än eller lika med 10" in criteria.content.decode()
