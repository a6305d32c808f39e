"""The bureau officer's navigation: the daily pages in the bar, the less-used ones under a "更多" <details>
menu (one row at 1280 px; screenshots in the change's report), marked when the page is one of them."""

from __future__ import annotations

import re

MORE = ("/bureau/corrections", "/bureau/duplicates", "/bureau/oversight", "/bureau/competitions",
        "/bureau/programmes", "/bureau/reports")


def _nav(html: str) -> str:
    return re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)


def _menu(nav: str) -> str:
    return re.search(r'<details class="nav-more">(.*?)</details>', nav, re.S).group(1)


def test_the_less_used_pages_sit_under_more(client, login, make_user):
    login(client, make_user("bureau_officer", scope="city", region="3205"))
    nav = _nav(client.get("/bureau/").text)
    menu = _menu(nav)

    assert "<summary>更多</summary>" in menu
    bar = nav.replace(menu, "")
    assert 'href="/bureau/queue"' in bar and 'href="/bureau/inbox"' in bar
    for path in MORE:
        assert f'href="{path}"' in menu and f'href="{path}"' not in bar, path


def test_the_summary_is_marked_on_a_page_under_more(client, login, make_user):
    login(client, make_user("bureau_officer", scope="city", region="3205"))
    page = client.get("/bureau/duplicates")
    assert page.status_code == 200
    menu = _menu(_nav(page.text))

    assert 'class="nav-more__here"' in menu and 'aria-current="page"' in menu
    assert 'class="nav-more__here"' not in client.get("/bureau/").text


def test_more_speaks_english(client, login, make_user):
    login(client, make_user("bureau_officer", scope="city", region="3205"))
    client.get("/lang/en")

    assert "<summary>More</summary>" in client.get("/bureau/").text


def test_other_roles_keep_a_flat_bar(client, login, make_user):
    login(client, make_user("admin", duty="system"))

    assert "nav-more" not in client.get("/admin/").text
