"""Review: conflict of interest first, weighted scores with "not applicable" left out, who
sees whose scores, and the ranking against the money left."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kompetensfond.applications.models import Review, Status
from kompetensfond.applications.scoring import application_score, weighted_mean
from kompetensfond.applications.selectors import access_application, ranking, review_summary
from kompetensfond.applications.services import (
    application_recommend,
    conflict_clear,
    conflict_declare,
    criterion_create,
    review_submit,
    reviewers_assign,
)
from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role
from kompetensfond.ledger.services import Subject, commitment_create
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_weighted_mean_leaves_not_applicable_out() -> None:
    assert weighted_mean([(3, 4), (1, 2)]) == Decimal("3.50")
    # not applicable is left out with its weight, never counted as 0
    assert weighted_mean([(3, 4), (2, None)]) == Decimal("4.00")
    assert weighted_mean([(3, None)]) is None
    assert application_score([Decimal("3.50"), None, Decimal("4.00")]) == Decimal("3.75")
    assert application_score([]) is None


@pytest.fixture
def panel(world, fund_admin, municipality):  # type: ignore[no-untyped-def]
    """The world's fund with two criteria, three submitted applications and two reviewers;
    700 000 kr already promised elsewhere, so 300 000 kr are left."""
    commitment_create(actor=SYSTEM, fund=world.fund, amount="700000.00",
                      subject=Subject("demo.grant", "1"), text="Tidigare beslut")
    fit = criterion_create(actor=fund_admin, fund=world.fund, name="Koppling till strategi",
                           weight=3)
    equality = criterion_create(actor=fund_admin, fund=world.fund, name="Jämställdhet",
                                weight=1)
    apps = [world.submitted(amount, title=title)
            for title, amount in (("A", "200000.00"), ("B", "150000.00"), ("C", "50000.00"))]
    berit = member(municipality, Role.REVIEWER, username="berit")
    return {"fund": world.fund, "fit": fit, "equality": equality, "apps": apps,
            "bertil": world.reviewer, "berit": berit}


def test_conflicted_reviewers_cannot_score_or_see_others(panel, fund_admin) -> None:
    a = panel["apps"][0]
    reviewers_assign(actor=fund_admin, application=a, reviewers=[panel["bertil"],
                                                                panel["berit"]])
    a.refresh_from_db()
    assert a.status == Status.IN_REVIEW
    bertil = Review.objects.get(reviewer=panel["bertil"])
    berit = Review.objects.get(reviewer=panel["berit"])
    with pytest.raises(ConflictError) as exc:  # declare first
        review_submit(actor=panel["bertil"], review=bertil,
                      scores={panel["fit"].pk: 4, panel["equality"].pk: 2})
    assert exc.value.code == "conflict_not_declared"
    with pytest.raises(ValidationError):
        conflict_declare(actor=panel["berit"], review=berit, conflict=True, reason=" ")
    conflict_declare(actor=panel["berit"], review=berit, conflict=True,
                     reason="Min syster arbetar på enheten")
    with pytest.raises(ConflictError) as exc:
        review_submit(actor=panel["berit"], review=berit,
                      scores={panel["fit"].pk: 5, panel["equality"].pk: 5})
    assert exc.value.code == "conflicted"
    with pytest.raises(PermissionDenied):  # nobody scores another's assessment
        conflict_declare(actor=panel["berit"], review=bertil, conflict=False)
    conflict_declare(actor=panel["bertil"], review=bertil, conflict=False)
    review_submit(actor=panel["bertil"], review=bertil,
                  scores={panel["fit"].pk: 4, panel["equality"].pk: None}, comment="Bra")
    summary = review_summary(a, panel["berit"])
    assert not summary.may_see_all
    assert [r.review for r in summary.rows] == [berit]  # only her own, no scores
    assert summary.score is None
    officer_view = review_summary(a, fund_admin)
    assert officer_view.score == Decimal("4.00")  # n/a left out, not counted as 0


def test_scores_must_be_on_the_scale_and_cover_every_criterion(panel, fund_admin) -> None:
    a = panel["apps"][0]
    reviewers_assign(actor=fund_admin, application=a, reviewers=[panel["bertil"]])
    review = Review.objects.get()
    conflict_declare(actor=panel["bertil"], review=review, conflict=False)
    with pytest.raises(ValidationError):
        review_submit(actor=panel["bertil"], review=review, scores={panel["fit"].pk: 4})
    with pytest.raises(ValidationError):
        review_submit(actor=panel["bertil"], review=review,
                      scores={panel["fit"].pk: 6, panel["equality"].pk: 1})
    assert not review.scores.exists()


def test_only_reviewers_are_assigned_and_they_see_only_their_applications(panel, fund_admin,
                                                                          viewer) -> None:
    with pytest.raises(ValidationError):
        reviewers_assign(actor=fund_admin, application=panel["apps"][0], reviewers=[viewer])
    reviewers_assign(actor=fund_admin, application=panel["apps"][1],
                     reviewers=[panel["bertil"]])
    assert access_application(panel["bertil"], panel["apps"][1].pk)
    from django.http import Http404

    with pytest.raises(Http404):
        access_application(panel["bertil"], panel["apps"][0].pk)


def test_ranking_by_weighted_score_with_a_running_total(panel, fund_admin) -> None:
    a, b, c = panel["apps"]
    for application, fit in ((a, 2), (b, 5), (c, 4)):
        reviewers_assign(actor=fund_admin, application=application, reviewers=[panel["bertil"]])
        review = Review.objects.get(application=application)
        conflict_declare(actor=panel["bertil"], review=review, conflict=False)
        review_submit(actor=panel["bertil"], review=review,
                      scores={panel["fit"].pk: fit, panel["equality"].pk: 3})
    rows, available = ranking(panel["fund"])
    assert available == Decimal("300000.00")
    assert [r.application.title for r in rows] == ["B", "C", "A"]
    assert [r.running_total for r in rows] == [Decimal("150000.00"), Decimal("200000.00"),
                                               Decimal("400000.00")]
    assert [r.fits for r in rows] == [True, True, False]
    assert rows[0].score == Decimal("4.50")  # (5×3 + 3×1) / 4


def test_review_pages(client, panel, fund_admin) -> None:
    a = panel["apps"][0]
    client.force_login(fund_admin)
    client.post(reverse("applications:assign", args=[a.pk]),
                {"reviewers": [panel["bertil"].pk]})
    assert Review.objects.filter(application=a).exists()
    client.force_login(panel["bertil"])
    page = client.get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert "Anmäl jäv" in page
    client.post(reverse("applications:conflict", args=[a.pk]), {"conflict": "no"})
    page = client.get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert "Spara bedömning" in page
    response = client.post(reverse("applications:score", args=[a.pk]), {
        f"c{panel['fit'].pk}": "5", f"c{panel['equality'].pk}": "na", "comment": "Tydlig"},
        follow=True)
    assert "Din bedömning har sparats." in response.content.decode()
    assert "Viktat betyg 5,00 av 5" in response.content.decode()
    client.force_login(fund_admin)
    ranking_page = client.get(reverse("applications:ranking", args=[panel["fund"].pk]))
    assert ranking_page.status_code == 200
    assert "Ackumulerat" in ranking_page.content.decode()
    criteria = client.post(reverse("applications:criteria", args=[panel["fund"].pk]),
                           {"name": "Kostnad per deltagare", "weight": "11"})
    assert "mindre än eller lika med 10" in criteria.content.decode()


def test_a_reviewer_cannot_take_back_a_declared_conflict(panel, fund_admin) -> None:
    a = panel["apps"][0]
    reviewers_assign(actor=fund_admin, application=a, reviewers=[panel["berit"]])
    review = Review.objects.get(reviewer=panel["berit"])
    conflict_declare(actor=panel["berit"], review=review, conflict=True,
                     reason="Min syster arbetar på enheten")
    with pytest.raises(ConflictError) as exc:
        conflict_declare(actor=panel["berit"], review=review, conflict=False)
    assert exc.value.code == "conflict_locked"
    review.refresh_from_db()
    assert review.conflict is True
    # a case officer can lift it, with the reason, in the audit trail
    with pytest.raises(PermissionDenied):
        conflict_clear(actor=panel["berit"], review=review, reason="Fel")
    with pytest.raises(ValidationError):
        conflict_clear(actor=fund_admin, review=review, reason=" ")
    conflict_clear(actor=fund_admin, review=review, reason="Anmäld av misstag")
    review.refresh_from_db()
    assert review.conflict is None
    event = AuditEvent.objects.get(action="review.conflict_cleared")
    assert event.actor == fund_admin
    assert event.changes["declared"] == "Min syster arbetar på enheten"


def test_nobody_assesses_an_application_they_wrote(world, panel, fund_admin) -> None:
    own = world.submitted("1000.00", actor=fund_admin, title="Handläggarens egen")
    with pytest.raises(ConflictError) as exc:
        reviewers_assign(actor=fund_admin, application=own, reviewers=[fund_admin])
    assert exc.value.code == "own_application"
    contacted = world.submitted("1000.00", contact=world.reviewer)
    with pytest.raises(ConflictError):  # nor one they are the contact person for
        reviewers_assign(actor=fund_admin, application=contacted, reviewers=[world.reviewer])
    assert not Review.objects.exists()


def test_a_proposal_rests_on_a_submitted_assessment(world, panel, fund_admin) -> None:
    a = panel["apps"][0]
    with pytest.raises(ConflictError) as exc:
        application_recommend(actor=fund_admin, application=a, outcome=Status.GRANTED,
                              amount=None, reason="")
    assert exc.value.code == "review_required"
    reviewers_assign(actor=fund_admin, application=a, reviewers=[panel["bertil"]])
    review = Review.objects.get()
    conflict_declare(actor=panel["bertil"], review=review, conflict=False)
    with pytest.raises(ConflictError):  # assigned and declared is not assessed
        application_recommend(actor=fund_admin, application=a, outcome=Status.GRANTED,
                              amount=None, reason="")
    review_submit(actor=panel["bertil"], review=review,
                  scores={panel["fit"].pk: 4, panel["equality"].pk: 3})
    application_recommend(actor=fund_admin, application=a, outcome=Status.GRANTED,
                          amount=None, reason="")
    # a small fund may turn the rule off in its guidelines
    world.guideline.proposal_requires_review = False
    world.guideline.save()
    b = panel["apps"][1]
    application_recommend(actor=fund_admin, application=b, outcome=Status.GRANTED,
                          amount=None, reason="")
    b.refresh_from_db()
    assert b.status == Status.RECOMMENDED


def test_the_ranking_page_and_the_api_propose_a_selection(client, api_client, panel,
                                                          fund_admin) -> None:
    a, b, c = panel["apps"]
    for application, fit in ((a, 2), (b, 5), (c, 4)):
        reviewers_assign(actor=fund_admin, application=application, reviewers=[panel["bertil"]])
        review = Review.objects.get(application=application)
        conflict_declare(actor=panel["bertil"], review=review, conflict=False)
        review_submit(actor=panel["bertil"], review=review,
                      scores={panel["fit"].pk: fit, panel["equality"].pk: 3})
    url = reverse("applications:ranking", args=[panel["fund"].pk])
    client.force_login(fund_admin)
    # whole applications only: B and C (200 000 of the 300 000 left), as the ranking
    page = client.get(url, {"propose": "1", "objective": "total", "min_share": "100"})
    text = page.content.decode()
    assert "Föreslaget: 2 beslut, 200\xa0000,00\xa0kr" in text
    # down to half of what is asked: A gets 100 000 as well, all the money is used
    api_client.force_authenticate(fund_admin)
    response = api_client.post(reverse("fund-portfolio", args=[panel["fund"].pk]),
                               {"min_share": "50", "costs": True}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {g["application"]: g["amount"] for g in body["grants"]} == {
        a.pk: "100000.00", b.pk: "150000.00", c.pk: "50000.00"}
    assert body["value"] == "9.38"  # 4.50 + 3.75 + 2.25 / 2
    assert body["proven"] is True
    assert body["greedy"]["value"] == "8.25"
    assert body["rules"][0]["binding"] is True  # the money outside the earmarks
    # nothing was decided or written
    assert {x.status for x in (a, b, c)} == {Status.SUBMITTED}
    bad = api_client.post(reverse("fund-portfolio", args=[panel["fund"].pk]),
                          {"min_share": "150"}, format="json")
    assert bad.status_code == 400
    assert client.get(url, {"propose": "1", "min_gender": "abc"}).status_code == 200
    api_client.force_authenticate(panel["bertil"])  # a reviewer does not see the money
    assert api_client.post(reverse("fund-portfolio", args=[panel["fund"].pk]), {},
                           format="json").status_code == 403
