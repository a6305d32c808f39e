"""`flask credentials ...`: bulk issuing, the registry's signing keys, and offline checks of credential files."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from credentials.models import Certificate, CertificateStatus
from credentials.queries.credential_check import check_credential
from credentials.services.digital_credentials import issue_digital_credentials
from credentials.services.issuer_keys import did_document_for, published_keys, rotate_issuer_key

from . import trust
from .extensions import db

credentials_cli = AppGroup("credentials", help="Digital credentials: bulk issuing, issuer keys and offline verification.")
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


@credentials_cli.command("issue")
@click.option("--issued-from", "issued_from", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="First day of issue (YYYY-MM-DD).")
@click.option("--issued-to", "issued_to", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Last day of issue (YYYY-MM-DD), included.")
@click.option("--out", type=click.File("w", encoding="utf-8", lazy=True), required=True,
              help="JSON Lines file: one signed credential per line.")
@click.option("--batch", type=click.IntRange(1, 20_000), default=1000, show_default=True,
              help="Certificates signed and committed together.")
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes that sign each batch (more pays only with idle cores: one signs ~2,000 a second).")
def issue_command(issued_from, issued_to, out, batch: int, processes: int) -> None:
    """Sign the Open Badges 3.0 credential (eddsa-rdfc-2022) of every valid certificate issued in a period,
    e.g. a year's certificates for a wallet provider or a national platform, into a JSON Lines file.

    Each batch is committed with its certificates' status indexes and audit events before the next, so an
    interrupted run can simply be run again (a certificate keeps its index; only the proof is new)."""
    first, last = issued_from.date(), issued_to.date()
    if first > last:
        raise click.BadParameter("must not be after --issued-to", param_hint="--issued-from")
    session, after, signed = db.session(), 0, 0
    issuer, sealer = trust.issuer(), trust.sealer()
    while certificates := _valid_certificates(first, last, after, batch):
        for credential in issue_digital_credentials(session, certificates, issuer, sealer, by=None,
                                                    processes=processes):
            out.write(json.dumps(credential, ensure_ascii=False) + "\n")
        session.commit()
        after, signed = certificates[-1].id, signed + len(certificates)
        click.echo(f"signed {signed} credentials", err=True)
    if not signed:
        click.echo(f"no valid certificate was issued from {first} to {last}: nothing written")
        return
    click.echo(f"{signed} credentials of certificates issued {first} to {last} written to {out.name}")


def _valid_certificates(first: date, last: date, after_id: int, limit: int) -> list[Certificate]:
    """The next valid certificates issued in [first, last] by id, with what their credentials name."""
    return list(db.session().scalars(
        select(Certificate)
        .where(Certificate.status == CertificateStatus.VALID, Certificate.issued_on >= first,
               Certificate.issued_on <= last, Certificate.id > after_id)
        .order_by(Certificate.id).limit(limit)
        .options(selectinload(Certificate.worker), selectinload(Certificate.occupation),
                 selectinload(Certificate.institution))))


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
