"""Steps the two-step-verification tests share: enrol through the page (the code computed with pyotp from the
secret the page shows, as a person's authenticator app would) and sign in with a password and then a code."""

from __future__ import annotations

import re
import time

import pyotp

from tests.conftest import PASSWORD


def secret_on(html: str) -> str:
    shown = re.search(r'<p class="enrol-secret" id="totp-secret"[^>]*>(.*?)</p>', html, re.S).group(1)
    return "".join(re.findall(r"<span>([A-Z2-7]+)</span>", shown))


def recovery_codes_on(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)


def code_at(secret: str, steps_ahead: int = 0) -> str:
    """The code the app shows now, or `steps_ahead` 30-second steps from now (within the accepted drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enrol(client) -> tuple[str, list[str]]:
    """From a signed-in client: the secret and the ten recovery codes."""
    page = client.get("/account/second-factor")
    assert page.status_code == 200, page.text[:300]
    secret = secret_on(page.text)
    done = client.post("/account/second-factor", data={"code": code_at(secret)})
    assert done.status_code == 200, done.text[:500]
    codes = recovery_codes_on(done.text)
    assert len(codes) == 10
    return secret, codes


def password_step(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"account": user.username, "password": password})
    assert response.status_code == 302, response.text[:300]
    return response


def sign_in(client, user, code: str):
    password_step(client, user)
    return client.post("/login/second-factor", data={"code": code})
