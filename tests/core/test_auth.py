import pytest
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_login_page_is_swedish(client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert "Logga in" in html
    assert 'lang="sv"' in html


@pytest.mark.django_db
def test_wrong_password_gives_a_swedish_message(client, fund_admin) -> None:
    response = client.post(reverse("login"), {"username": fund_admin.username,
                                              "password": "fel-lösenord"})
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()


@pytest.mark.django_db
def test_correct_password_logs_in_and_shows_the_start_page(client, fund_admin) -> None:
    response = client.post(reverse("login"), {"username": fund_admin.username,
                                              "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "Välkommen" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(client,
                                                                        fund_admin) -> None:
    for _ in range(5):
        client.post(reverse("login"), {"username": fund_admin.username, "password": "fel"})
    response = client.post(reverse("login"), {"username": fund_admin.username,
                                              "password": PASSWORD})
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in response.content.decode()


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, fund_admin) -> None:
    client.force_login(fund_admin)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


@pytest.mark.django_db
def test_pages_need_login(client) -> None:
    for name in ("web:home", "organisation:overview", "audit:event-list"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
