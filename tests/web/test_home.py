"""Home pages are to-do lists: each role sees the work waiting for it, each item a link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kompetensfond.applications.models import Application, Review
from kompetensfond.core.models import Role
from kompetensfond.demo.organisation import SPECS, build_municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ssyk")]


def home(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def links_under(html: str, heading_id: str) -> list[str]:
    """The titles linked in the list a heading labels."""
    match = re.search(rf'<ul aria-labelledby="{heading_id}">(.*?)</ul>', html, re.S)
    return re.findall(r'<a href="/ansokningar/\d+/">([^<]+)</a>', match.group(1)) if match else []


def test_case_officer_sees_new_submissions_proposals_to_make_and_overdue_reviews(
        client, stockholm) -> None:
    officer = stockholm.users[Role.FUND_ADMIN]
    html = home(client, officer)
    assert links_under(html, "todo-submitted") == ["Motiverande samtal (MI)"]
    assert links_under(html, "todo-to-propose") == []  # the one in review is not yet assessed
    assert "Inget väntar." in html
    # the reviewer misses the deadline
    review = Review.objects.get(application__title="Barnskötare till förskollärare",
                                application__fund__municipality=stockholm.municipality)
    Review.objects.filter(pk=review.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    html = home(client, officer)
    assert links_under(html, "todo-overdue") == ["Barnskötare till förskollärare"]
    # the reviewer assesses: the application waits for the officer's proposal
    from kompetensfond.applications.services import review_submit

    review_submit(actor=stockholm.users[Role.REVIEWER], review=review,
                  scores={c.pk: 3 for c in review.application.fund.criteria.all()})
    html = home(client, officer)
    assert links_under(html, "todo-to-propose") == ["Barnskötare till förskollärare"]
    assert links_under(html, "todo-overdue") == []


def test_reviewer_sees_assigned_reviews_with_deadlines(client, stockholm) -> None:
    html = home(client, stockholm.users[Role.REVIEWER])
    assert links_under(html, "todo-reviews") == ["Barnskötare till förskollärare"]
    due = Review.objects.get(application__title="Barnskötare till förskollärare").due_date
    assert due == timezone.localdate() + timedelta(days=14)
    assert f"senast {due:%Y-%m-%d}" in html


def test_secretary_sees_the_next_meeting_with_its_agenda(client, stockholm) -> None:
    html = home(client, stockholm.users[Role.SECRETARY])
    day = timezone.localdate() + timedelta(days=14)
    assert f"Kommunstyrelsen {day:%Y-%m-%d}" in html
    assert "<li>Vårdbiträde till undersköterska</li>" in html
    assert "1 ärende på föredragningslistan" in html
    assert links_under(html, "todo-unscheduled") == []


def test_manager_sees_drafts_and_returned_applications_with_the_reason(client,
                                                                       stockholm) -> None:
    manager = stockholm.users[Role.UNIT_MANAGER]
    html = home(client, manager)
    assert links_under(html, "todo-drafts") == ["Handledning i utredningsarbete"]
    assert "Signs of Safety i barnutredningar" in html
    assert "Bifoga utbildningsanordnarens kursplan." in html
    # and the reason is a banner on the application
    returned = Application.objects.get(status="returned", municipality=stockholm.municipality)
    page = client.get(reverse("applications:detail", args=[returned.pk])).content.decode()
    assert "Komplettering begärd:</strong> Bifoga utbildningsanordnarens kursplan." in page


def test_politician_sees_the_open_funds_with_their_balances(client, stockholm) -> None:
    html = home(client, stockholm.users[Role.VIEWER])
    assert "Stadens kompetensfond" in html
    assert "150\xa0000\xa0000,00\xa0kr" in html


def test_the_navigation_counts_the_work_waiting(client, stockholm) -> None:
    client.force_login(stockholm.users[Role.UNIT_MANAGER])
    html = client.get(reverse("applications:list")).content.decode()
    # one draft and one returned application
    assert '<span class="badge">2<span class="visually-hidden"> att göra</span></span>' in html


def test_another_municipalitys_work_is_not_listed(client, stockholm) -> None:
    other = build_municipality(next(s for s in SPECS if s.slug == "orebro"))
    html = home(client, other.users[Role.FUND_ADMIN])
    assert "Motiverande samtal" not in html
    assert links_under(html, "todo-submitted") == []


def test_the_home_page_runs_a_constant_number_of_queries(client, stockholm,
                                                         django_assert_max_num_queries) -> None:
    client.force_login(stockholm.users[Role.FUND_ADMIN])
    with django_assert_max_num_queries(30):
        client.get(reverse("web:home"))


@pytest.mark.parametrize("role", [Role.FUND_ADMIN, Role.SECRETARY, Role.REVIEWER,
                                  Role.UNIT_MANAGER, Role.VIEWER, Role.EMPLOYEE])
def test_the_navigation_count_is_the_sum_of_the_home_lists(client, stockholm, role) -> None:
    from kompetensfond.applications.selectors import work_count, work_queue

    user = stockholm.users[role]
    queue = work_queue(user)
    assert work_count(user) == queue.count - len(queue.overdue_reviews)
