"""The `admin` blueprint itself, in a leaf module: `admin` (home, accounts' creation, institutions),
`admin_users` (the account list and each account's duties) and `admin_audit` (the whole trail) add their routes
to it, and nothing here imports them back."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
