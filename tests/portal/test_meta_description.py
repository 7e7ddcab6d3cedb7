"""Every public page tells search engines and link previews what it is (issue 16, item 17)."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/help/",
    "/privacy/",
    "/terms/",
    "/reports/",
    "/reports/methodology/",
    "/accounts/login/",
    "/accounts/register/",
]


def _description(content: str) -> str:
    found = re.findall(r'<meta\s+name="description"\s+content="([^"]*)"', content)
    assert len(found) == 1, found
    return html.unescape(found[0]).strip()


def test_each_public_page_has_its_own_short_meta_description(client):
    descriptions = {}
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        description = _description(response.content.decode())
        assert description, path
        assert len(description) < 160, (path, len(description))
        descriptions[path] = description
    assert len(set(descriptions.values())) == len(PUBLIC_PAGES), descriptions
