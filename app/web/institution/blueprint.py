"""The `institution` blueprint itself, in a leaf module: every view module of the package imports `bp` from here
and nothing imports the package back."""

from flask import Blueprint

bp = Blueprint("institution", __name__, url_prefix="/institution")
