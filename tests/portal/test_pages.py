"""The shell every page shares: layout, plain-language home page, error pages, no inline script."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal import views

ROOT = Path(__file__).resolve().parents[2]
FFS_PHONE = "877-782-5565"


@pytest.mark.django_db
def test_home_page_explains_the_rules_in_plain_language(client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Give the MCO the chance to fix it first" in text  # R1
    assert "One MCO and one topic per complaint" in text  # R4
    assert "Fee-for-Service issues are not handled here" in text  # R9
    assert f'href="tel:+1-{FFS_PHONE}"' in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/help/", "/privacy/", "/terms/"])
def test_every_page_has_skip_link_identity_navigation_and_footer(client, url):
    text = client.get(url).content.decode()
    assert '<html lang="en">' in text
    assert '<a class="usa-skipnav" href="#main-content">Skip to main content</a>' in text
    assert 'id="main-content"' in text
    assert "State of Illinois" in text
    assert "Healthcare and Family Services" in text
    assert "An official website of the United States government" not in text  # not the federal .gov banner
    assert '<nav aria-label="Main"' in text
    assert "Call HFS at" in text and FFS_PHONE in text
    assert f'href="{reverse("privacy")}"' in text
    assert f'href="{reverse("terms")}"' in text


@pytest.mark.django_db
def test_current_page_is_marked_in_the_navigation(client):
    text = client.get("/help/").content.decode()
    assert re.search(r'class="usa-nav-link usa-current"\s+href="/help/"\s+aria-current="page"', text)


@pytest.mark.django_db
def test_unknown_address_shows_the_portal_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1>Page not found</h1>" in text
    assert "usa-skipnav" in text


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        (views.bad_request, 400, "We could not read that request"),
        (views.permission_denied, 403, "You do not have access to this page"),
        (views.page_not_found, 404, "Page not found"),
    ],
)
def test_error_handlers_render_portal_pages(handler, status, heading):
    request = RequestFactory().get("/anything/")
    response = handler(request, Exception("detail that must not be shown"))
    assert response.status_code == status
    text = response.content.decode()
    assert f"<h1>{heading}</h1>" in text
    assert "detail that must not be shown" not in text


def test_server_error_page_renders_without_database_or_context_processors():
    # No django_db mark: the 500 page must render even when the database is what failed.
    response = views.server_error(RequestFactory().get("/anything/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in text
    assert FFS_PHONE in text


@pytest.mark.django_db
def test_a_crashing_view_is_answered_with_the_500_page(client, settings):
    settings.ROOT_URLCONF = "tests.portal.crashing_urls"
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_gets_the_portal_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/help/", {"anything": "1"})
    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in response.content.decode()


def test_no_template_has_an_inline_script_or_inline_handler():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            if "src=" not in tag:
                offenders.append(f"{template}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE):
            offenders.append(f"{template}: inline event handler")
        if re.search(r"\sstyle\s*=", text, flags=re.IGNORECASE):
            offenders.append(f"{template}: inline style")
    assert offenders == []
