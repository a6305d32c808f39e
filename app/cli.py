"""Command-line tools: thin wrappers over the services, committing once at the end."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from credentials import CredentialsError
from credentials.models import AdminDuty, BureauScope, Institution, Role
from credentials.services.accounts import create_user
from credentials.services.audit import verify_chain
from credentials.services.reference import load_reference_data

from .extensions import db

reference_cli = AppGroup("reference", help="Reference data (cities, occupations).")
audit_cli = AppGroup("audit", help="The hash-chained audit trail.")


@reference_cli.command("load")
def reference_load() -> None:
    """Load provinces, cities, occupations, campaign cities and the shipped campaign (idempotent)."""
    result = load_reference_data(db.session())
    db.session.commit()
    click.echo(f"provinces +{result.provinces}, cities +{result.cities}, occupations +{result.occupations}, "
               f"campaign cities {result.campaign_cities}, campaigns +{result.campaigns}")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check every link of the audit chain; name the first broken row."""
    report = verify_chain(db.session())
    if report.ok:
        click.echo(f"audit trail intact: {report.checked} events")
        return
    click.echo(f"audit trail BROKEN at event {report.first_broken_id} ({report.problem}); "
               f"{report.checked} events read", err=True)
    sys.exit(1)


@click.command("create-user")
@click.option("--role", type=click.Choice([r.value for r in Role if r is not Role.WORKER]), required=True)
@click.option("--username", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default=None)
@click.option("--institution", "institution_id", type=int, default=None, help="institution id (staff)")
@click.option("--city", "city_code", default=None, help="4-digit city code (city bureau officer)")
@click.option("--province", "province_code", default=None, help="2-digit province code (province officer)")
@click.option("--ministry", is_flag=True, help="national scope (bureau officer)")
@click.option("--duty", type=click.Choice([d.value for d in AdminDuty]), default=None,
              help="administrator's duty (default security: the first administrator creates the others)")
def create_user_command(role, username, password, display_name, institution_id, city_code, province_code, ministry,
                        duty):
    """Create an officer, institution or admin account."""
    role = Role(role)
    admin_duty = AdminDuty(duty) if duty else (AdminDuty.SECURITY if role is Role.ADMIN else None)
    institution = db.session.get(Institution, institution_id) if institution_id else None
    if institution_id and institution is None:
        raise click.BadParameter(f"no institution {institution_id}", param_hint="--institution")
    scope, region = None, None
    if sum(map(bool, (city_code, province_code, ministry))) > 1:
        raise click.UsageError("give only one of --city, --province, --ministry")
    # A scope given to another role goes to the domain too, which refuses it rather than dropping it.
    if role is Role.BUREAU_OFFICER or city_code or province_code or ministry:
        scope, region = (BureauScope.MINISTRY, None) if ministry else (
            (BureauScope.PROVINCE, province_code) if province_code else (BureauScope.CITY, city_code))
    try:
        user = create_user(db.session(), role=role, username=username, password=password, display_name=display_name,
                           institution=institution, bureau_scope=scope, region_code=region,
                           admin_duty=admin_duty, by=None)
    except CredentialsError as error:
        db.session.rollback()
        raise click.ClickException(error.message("en")) from None
    db.session.commit()
    click.echo(f"created user {user.id} ({role.value}) {username}")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load reference data and the Suzhou demo (idempotent)."""
    from credentials.demo.seed import seed_demo

    created = seed_demo(db.session(), current_app.extensions["vault"])
    db.session.commit()
    click.echo("demo data loaded" if created else "demo data already present")


@click.command("synth")
@click.option("--workers", "count", type=click.IntRange(1, 50_000_000), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--batch", type=click.IntRange(100, 100_000), default=10_000, show_default=True)
def synth_command(count: int, seed: int, batch: int) -> None:
    """Generate COUNT synthetic workers with certificates, deterministically from SEED (benchmarks)."""
    from credentials.demo.synth import synthesize

    load_reference_data(db.session())
    db.session.commit()
    try:
        result = synthesize(db.session(), current_app.extensions["vault"], workers=count, seed=seed,
                            batch=batch, progress=lambda done: click.echo(f"  {done:,} workers", err=True))
    except CredentialsError as error:
        db.session.rollback()
        raise click.ClickException(error.message("en")) from None
    click.echo(f"synthesized {result.workers:,} workers and {result.certificates:,} certificates "
               f"in {result.seconds:.1f} s")


def init_app(app: Flask) -> None:
    from .cli_credentials import credentials_cli
    from .cli_workers import workers_cli

    app.cli.add_command(credentials_cli)
    app.cli.add_command(workers_cli)
    app.cli.add_command(reference_cli)
    from .cli_audit import audit_purge

    audit_cli.add_command(audit_purge)
    app.cli.add_command(audit_cli)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(synth_command)
    from .jobs import imports_cli, jobs_cli

    app.cli.add_command(jobs_cli)
    app.cli.add_command(imports_cli)
