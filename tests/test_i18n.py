"""Chinese first, English complete: every text the app shows has its English, compiled."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.config import ROOT

CATALOG = ROOT / "app" / "translations" / "en" / "LC_MESSAGES"
METHOD_MAP = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _extracted_ids() -> set[str]:
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, directory_filter=lambda path: ".venv" not in path
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_text_in_the_app_has_an_english_translation():
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0]) for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(_extracted_ids() - translated)
    assert not missing, f"run `make translations` and translate: {missing}"


def test_compiled_catalog_matches_the_source():
    with open(CATALOG / "messages.po", "rb") as handle:
        source = {m.id: m.string for m in read_po(handle) if m.id}
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert source == compiled, "run `make translations` to recompile messages.mo"


def test_pages_switch_language(client):
    assert "登录" in client.get("/login").text
    english = client.get("/lang/en?next=/login", follow_redirects=True)
    assert "Sign in" in english.text and "lang=\"en\"" in english.text
