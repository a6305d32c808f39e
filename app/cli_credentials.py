"""`flask credentials ...`: the registry's signing keys, and offline checks of digital credential files."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from credentials.queries.credential_check import check_credential
from credentials.services.issuer_keys import did_document_for, published_keys, rotate_issuer_key

from . import trust
from .extensions import db

credentials_cli = AppGroup("credentials", help="Digital credentials: issuer keys and offline verification.")
MAX_FILE_BYTES = 1024 * 1024


@credentials_cli.command("verify")
@click.argument("file", type=click.File("rb"))
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the check details.")
def verify_command(file, lang: str) -> None:
    """Check FILE (a credential as JSON, or a VC-JOSE JWT) one check at a time: format (Open Badges 3.0
    schema), signature, issuer key, validity, status (revocation) and the institution's accreditation.

    Exit code 0 only when every check holds; a status list that cannot be had fails the status check."""
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise click.ClickException(f"{file.name} is over {MAX_FILE_BYTES // 1024} KB: not a credential")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file.name} is not UTF-8 text") from None
    report = check_credential(db.session(), text, trust.issuer(), trust.sealer())
    db.session.rollback()  # a check writes nothing
    click.echo(f"{file.name}: {report.form}")
    for check in report.checks:
        click.echo(f"  {check.name:<13} {'ok' if check.ok else 'FAILED':<7} {check.detail.get(lang)}")
    if report.ok:
        click.echo("credential verified: every check holds")
        return
    failed = ", ".join(check.name for check in report.failed)
    click.echo(f"credential NOT verified: {failed} failed", err=True)
    sys.exit(1)


@credentials_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Retire the signing key and start a new one; earlier credentials keep verifying."""
    retired, key = rotate_issuer_key(db.session(), trust.sealer(), by=None)
    db.session.commit()
    if retired is not None:
        click.echo(f"retired {retired.key_id} (still published, so what it signed still verifies)")
    click.echo(f"signing now with {trust.issuer().verification_method(key.key_id)}")


@credentials_cli.command("keys")
def keys_command() -> None:
    """List the published issuer keys and the DID they belong to."""
    issuer = trust.issuer()
    did_document_for(db.session(), issuer.did)  # refuses to list anything unpublishable
    click.echo(issuer.did)
    for key in published_keys(db.session()):
        state = "active" if key.is_active else f"retired {key.retired_at:%Y-%m-%d}"
        click.echo(f"  {key.key_id}  {state}  {key.public_key_multibase}")
