"""Talent Ladder web application: create_app() wires extensions, blueprints, errors and commands."""

from __future__ import annotations

from flask import Flask

from .config import ROOT, load_config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config(config))
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    from .logs import configure_logging

    configure_logging(app)


def register_extensions(app: Flask) -> None:
    from pathlib import Path

    from credentials import PersonalDataVault

    from . import auth, i18n, security
    from .extensions import csrf, db, init_read_session, limiter, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    db.init_app(app)
    init_read_session(app)  # the replica's session, when DATABASE_REPLICA_URL names one, closed per app context
    from sqlalchemy.orm import Session

    from credentials.services.tallies import keep_tallies

    keep_tallies(Session)  # every session (requests, jobs, CLI, tests) keeps the indicator tallies with its writes
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions["vault"] = PersonalDataVault(
        app.config["ID_HASH_KEY"], app.config["ID_ENCRYPTION_KEYS"], app.config["ID_ENCRYPTION_KEY_ID"]
    )
    i18n.init_app(app)
    auth.init_app(app)
    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    from . import access, denials
    from .api import bodies, init_api
    from .web import (
        activation,
        admin,
        auth_views,
        bureau,
        credentials,
        institution,
        ladder,
        pages,
        pickers,
        public,
        searches,
        shared_view,
        verify,
        worker,
    )

    for module in (public, auth_views, activation, worker, institution, bureau, admin, verify, credentials, ladder,
                   pickers, searches):
        app.register_blueprint(module.bp)
    app.register_blueprint(shared_view.bp)  # /shared/<token>: a worker's share link, no login
    from .web import talents

    app.register_blueprint(talents.bp)  # /talents/: the campaign cities' skilled talents, no login
    from .web import account

    app.register_blueprint(account.bp)  # /account/password; a reset password is changed before anything else
    from .web import second_factor

    # After `account`: a reset password is changed first, then a required second factor is set up.
    app.register_blueprint(second_factor.bp)  # /account/second-factor, /login/second-factor
    init_api(app)
    access.init_app(app)
    denials.init_app(app)  # every 403 in the security trail
    bodies.init_app(app)  # after the gate: a caller without a token hears 401 first
    pages.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli_backup, cli_report
    from .cli import init_app

    init_app(app)
    cli_backup.init_app(app)
    from . import cli_campaign

    cli_campaign.init_app(app)
    cli_report.init_app(app)
    from . import cli_partitions

    cli_partitions.init_app(app)  # `flask partitions ensure`: next year's audit partitions (PostgreSQL)
