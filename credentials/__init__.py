"""Talent Ladder's records: typed models, services (writes), queries (reads), permissions and errors.

Never imports Flask or `app`; asks `ladder` for the rules.
"""

from .errors import (
    AuthenticationFailed,
    Conflict,
    CredentialsError,
    Duplicate,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from .vault import PersonalDataVault

__all__ = [
    "AuthenticationFailed", "Conflict", "CredentialsError", "Duplicate", "Forbidden", "NotFound",
    "PersonalDataVault", "ValidationFailed",
]
