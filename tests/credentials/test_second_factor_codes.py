"""The second factor's codes in the domain: a code that two requests present at once is accepted by one only (the
step moves forward by a conditional UPDATE, not by what each request read), and the secret opens only for its
own account."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy.orm import Session

from credentials import AuthenticationFailed
from credentials.identity import DecryptionError
from credentials.models import SecondFactor, User
from credentials.services.second_factor import confirm_enrolment, start_enrolment, verify_second_factor


def test_two_requests_racing_with_one_code_let_one_in(db, make_user, vault):
    officer = make_user("bureau_officer")
    enrolment = start_enrolment(db.session(), vault, officer, account_name=officer.username)
    confirm_enrolment(db.session(), vault, officer, pyotp.TOTP(enrolment.secret).now())
    db.session.commit()
    code = pyotp.TOTP(enrolment.secret).at(time.time() + 30)  # the next step's: the enrolment spent this one
    first, second = Session(db.engine), Session(db.engine)
    try:
        racer = second.get(User, officer.id)
        second.get(SecondFactor, officer.id)  # read before the first request wins: its last_step is stale

        assert verify_second_factor(first, vault, first.get(User, officer.id), code) == "totp"
        first.commit()
        with pytest.raises(AuthenticationFailed):
            verify_second_factor(second, vault, racer, code)
    finally:
        first.close()
        second.close()


def test_the_sealed_secret_opens_for_its_own_account_only(db, make_user, vault):
    one, other = make_user("bureau_officer"), make_user("bureau_officer")
    start_enrolment(db.session(), vault, one, account_name=one.username)
    sealed = db.session.get(SecondFactor, one.id).secret_sealed

    with pytest.raises(DecryptionError):
        vault.open_secret(f"totp|user:{other.id}", sealed)
