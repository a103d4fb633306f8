"""The raw-code walk: every page a demo account reaches from its menu (and the detail pages linked from there)
is read as a user reads it, and no internal code (`logistics.road`, `job:escalate_overdue`, `months_elapsed`,
`key=value`) may show in the visible text. Also: enterprise users' menus hold only what is theirs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from industry_brain.core.labels import RAW_CODE

pytestmark = pytest.mark.django_db

ACCOUNTS = ["city_admin", "xihu_officer", "chain_iot", "dept_transport", "cadre_demo", "enterprise_demo"]
DETAIL = re.compile(r'href="(/(?:enterprises|demands|projects|chains)/(?:[a-z-]+/)?\d+/)"')
# Lowercase English words in a Chinese page are untranslated strings or codes (`submitted`, `overdue`).
ENGLISH = re.compile(r"(?<![A-Za-z0-9@/.-])[a-z]{4,}(?![A-Za-z0-9@/.-])")
NAV = re.compile(r'<nav class="sidebar"[^>]*>(.*?)</nav>', re.S)


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles, JSON blocks, attribute values or form option values."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


@pytest.fixture
def demo(settings):
    call_command("seed_demo", scale="tiny", quiet=True)


def walk(client, username: str, max_details: int = 4) -> dict[str, list[str]]:
    from industry_brain.accounts.models import User

    client.force_login(User.objects.get(username=username))
    home = client.get("/")
    assert home.status_code == 200
    urls = ["/"] + re.findall(r'href="([^"#?]+)"', NAV.search(home.content.decode()).group(1))
    seen, found = set(), {}
    queue = list(dict.fromkeys(urls))
    came_from = {u: "menu" for u in queue}
    details = 0
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, (username, url, response.status_code, "linked from", came_from.get(url))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        text = visible(html)
        hits = sorted(set(RAW_CODE.findall(text)) | set(ENGLISH.findall(text)))
        if hits:
            found[url] = hits
        for link in DETAIL.findall(html):
            if link not in seen and details < max_details * len(urls):
                details += 1
                queue.append(link)
                came_from.setdefault(link, url)
    return found


@pytest.mark.parametrize("username", ACCOUNTS)
def test_no_internal_code_is_shown_on_any_page(client, demo, username):
    assert walk(client, username) == {}


def test_enterprise_menu_holds_only_what_is_theirs(client, demo):
    from industry_brain.accounts.models import User

    client.force_login(User.objects.get(username="enterprise_demo"))
    nav = NAV.search(client.get("/").content.decode()).group(1)
    user = User.objects.get(username="enterprise_demo")
    for path in ("/projects/map/", "/projects/dashboard/", "/projects/supervisions/", "/demands/cadres/",
                 "/demands/alerts/", "/demands/stats/", "/chains/", "/enterprises/"):
        assert f'href="{path}"' not in nav, path
    for path in (f"/enterprises/{user.enterprise_id}/", "/demands/", "/projects/"):
        assert f'href="{path}"' in nav, path
