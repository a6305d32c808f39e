"""The `bureau` blueprint itself, in a leaf module: every view module of the package imports `bp` from here
and nothing imports the package back."""

from flask import Blueprint

bp = Blueprint("bureau", __name__, url_prefix="/bureau")
