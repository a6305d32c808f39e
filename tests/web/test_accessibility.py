"""WCAG 2.1 checks that do not need a browser: non-text contrast (1.4.11) of the focus ring and of form
field borders, and the error summary a refused form opens with (3.3.1, focus moved by static/js/app.js)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css").glob("*.css")
STYLES = {path.name: path.read_text(encoding="utf-8") for path in CSS}
WHITE = "#ffffff"


def luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def resolve(value: str) -> str:
    """A colour, following var(--name) through the :root custom properties of app.css."""
    found = re.fullmatch(r"var\(--([\w-]+)\)", value.strip())
    if not found:
        return value.strip()
    match = re.search(rf"--{found.group(1)}:\s*(#[0-9a-fA-F]{{3,6}})", STYLES["app.css"])
    assert match, f"--{found.group(1)} is not defined"
    return match.group(1)


def test_the_contrast_formula_matches_the_wcag_examples():
    assert contrast("#000", WHITE) == pytest.approx(21)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_focus_ring_reaches_3_to_1_on_white(name):
    rings = re.findall(r":focus-visible\s*\{[^}]*outline:\s*\d+px\s+solid\s+([^;}]+)", STYLES[name])
    for colour in rings:
        assert contrast(resolve(colour), WHITE) >= 3, f"{name}: focus ring {colour}"


def test_field_borders_reach_3_to_1_on_white():
    rule = re.search(r"\.field__control[^{]*\{([^}]*)\}", STYLES["app.css"]).group(1)
    colour = re.search(r"border:\s*1px solid\s+([^;]+);", rule).group(1)
    assert contrast(resolve(colour), WHITE) >= 3


@pytest.fixture
def clerk(client, login, make_user):
    login(client, make_user("institution_staff"))
    return client


def test_a_refused_form_opens_with_a_summary_linking_each_field(clerk):
    client = clerk

    page = client.post("/institution/workers", data={"name": "", "national_id": "123", "city_code": ""})

    assert page.status_code == 422
    summary = page.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in page.text and 'tabindex="-1"' in summary
    assert 'href="#national_id"' in summary and 'href="#name"' in summary
    assert "js/app.js" in page.text


def test_a_page_without_errors_has_no_summary(clerk):
    assert 'id="error-summary"' not in clerk.get("/institution/workers").text
