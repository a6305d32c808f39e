"""The file format of a reporting package, and its check: one zip that anyone can verify offline.

    records.csv    UTF-8 with a BOM (Excel opens it as UTF-8), CRLF lines, a header of Chinese column names;
                   text a spreadsheet would run as a formula starts with an apostrophe (SECURITY.md trap 7),
                   except the format's own "--" (no 工种)
    records.json   {"records": [...]}: the same rows with English keys and the values untouched
    manifest.json  what the package is (region, period, kind, counts, fields) and the sha256 of both files
    manifest.jws   a JWS (RFC 7515) over manifest.json, detached and unencoded (RFC 7797, b64=false), signed
                   EdDSA with the registry's issuer key; `kid` names the key's JsonWebKey method in the DID
                   document, as a VC-JOSE credential's does

Nothing here touches the database: the service (credentials/services/reporting.py) supplies the rows, the
manifest and the key; `verify_archive` needs only a way to resolve the key's id to its public key.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ladder.i18n import Text

from ..spreadsheets import defuse_formula

__all__ = ["FIELDS", "FINGERPRINTED", "NO_JOB_TYPE", "SCHEMA_VERSION", "ArchiveCheck", "archive_bytes", "file_entry",
           "verify_archive"]

SCHEMA_VERSION = 1
CSV_NAME, JSON_NAME, MANIFEST_NAME, SIGNATURE_NAME = "records.csv", "records.json", "manifest.json", "manifest.jws"
NAMES = (CSV_NAME, JSON_NAME, MANIFEST_NAME, SIGNATURE_NAME)
MEDIA_TYPES = {CSV_NAME: "text/csv; charset=utf-8", JSON_NAME: "application/json"}
ALG, TYP = "EdDSA", "JOSE"
MAX_UNZIPPED_BYTES = 2 * 1024**3  # a province's full package of a million certificates is well under this
MAX_SIGNATURE_BYTES = 4096
NO_JOB_TYPE = "--"  # how the national certificate writes "no 工种/职业方向"
FORMAT_LITERALS = {NO_JOB_TYPE}  # values the format itself writes: no one typed them, so nothing to defuse

# The national certificate record (DOMAIN §8a, 人社鉴发〔2021〕1号), in column order: key, Chinese, English.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("certificate_name", "证书名称", "Certificate name"),
    ("certificate_number", "证书编号", "Certificate number"),
    ("holder_name", "姓名", "Holder's name"),
    ("document_type", "证件类型", "Document type"),
    ("document_type_code", "证件类型代码", "Document type code"),
    ("document_number", "证件号码", "Document number"),
    ("occupation_code", "职业编码", "Occupation code"),
    ("occupation_name", "职业名称", "Occupation"),
    ("job_type", "工种/职业方向", "Job type or direction (工种)"),
    ("level", "等级", "Level"),
    ("evaluating_institution", "评价机构", "Evaluating institution"),
    ("evaluating_institution_code", "评价机构统一社会信用代码", "Evaluating institution's unified social credit code"),
    ("issued_on", "发证日期", "Issue date"),
    ("status", "证书状态", "Status (valid, revoked)"),
    ("revoked_on", "撤销日期", "Revocation date"),
    ("change", "变更类型", "Change since the region's last package (new, changed, revoked, unchanged)"),
)
# What a row's fingerprint covers: everything the receiver is told about the certificate, not how it changed.
FINGERPRINTED = tuple(key for key, _zh, _en in FIELDS if key != "change")

PROBLEMS = {
    "archive_malformed": Text("不是有效的数据包（zip 无法读取或过大）", "not a valid package (unreadable or oversized zip)"),
    "files_unexpected": Text("数据包中的文件与规定不符", "the package does not hold exactly the expected files"),
    "manifest_malformed": Text("清单 manifest.json 无法读取", "manifest.json is unreadable"),
    "signature_malformed": Text("签名 manifest.jws 格式错误", "manifest.jws is malformed"),
    "unknown_key": Text("签名密钥不是登记中心公布的密钥", "the signing key is not one the registry publishes"),
    "signature_invalid": Text("签名与清单不符（清单被改动过）", "the signature does not match the manifest (it was altered)"),
    "issuer_key_mismatch": Text("签名密钥不属于清单所写的签发方", "the signing key does not belong to the issuer the manifest names"),
    "checksum_mismatch": Text("文件的校验值与清单不符（文件被改动过）",
                              "a file's checksum differs from the manifest (it was altered)"),
    "count_mismatch": Text("记录条数与清单不符", "the number of records differs from the manifest"),
}


@dataclass(frozen=True)
class ArchiveCheck:
    ok: bool
    problems: tuple[str, ...]
    sha256: str  # of the zip as checked
    manifest: dict[str, Any] | None = field(default=None, compare=False)
    key_id: str | None = None


def file_entry(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "media_type": MEDIA_TYPES[name], "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def records_csv(rows: Sequence[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([zh for _key, zh, _en in FIELDS])
    for row in rows:
        writer.writerow([row[key] if row[key] in FORMAT_LITERALS else defuse_formula(row[key]) for key, _zh, _en in FIELDS])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def records_json(rows: Sequence[dict[str, str]]) -> bytes:
    ordered = [{key: row[key] for key, _zh, _en in FIELDS} for row in rows]
    return json.dumps({"records": ordered}, ensure_ascii=False, indent=1).encode("utf-8")


def manifest_json(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def sign_detached(payload: bytes, private_key: Ed25519PrivateKey, kid: str) -> str:
    """`<header>..<signature>`: the payload travels beside the signature, byte for byte (RFC 7797)."""
    return jwt.api_jws.PyJWS().encode(payload, private_key, algorithm=ALG, headers={"kid": kid, "typ": TYP},
                                      is_payload_detached=True)


def archive_bytes(rows: Sequence[dict[str, str]], manifest: dict[str, Any], private_key: Ed25519PrivateKey,
                  kid: str, moment: datetime) -> tuple[bytes, dict[str, Any]]:
    """The zip, and the manifest as signed (with each file's checksum added). `moment` (China time) dates
    every entry, so the archive's bytes depend on its content alone."""
    csv_data, json_data = records_csv(rows), records_json(rows)
    signed = {**manifest, "files": [file_entry(CSV_NAME, csv_data), file_entry(JSON_NAME, json_data)]}
    manifest_data = manifest_json(signed)
    signature = sign_detached(manifest_data, private_key, kid).encode("ascii")
    buffer = io.BytesIO()
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in ((CSV_NAME, csv_data), (JSON_NAME, json_data), (MANIFEST_NAME, manifest_data),
                           (SIGNATURE_NAME, signature)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue(), signed


def _members(data: bytes) -> dict[str, bytes] | str:
    """The four files, or the problem that stops the check; sizes are read from the directory before inflating."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, NotImplementedError):
        return "archive_malformed"
    with archive:
        entries = archive.infolist()
        if sorted(entry.filename for entry in entries) != sorted(NAMES):
            return "files_unexpected"
        if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
            return "archive_malformed"
        try:
            return {entry.filename: archive.read(entry) for entry in entries}
        except (zipfile.BadZipFile, ValueError, NotImplementedError, OSError, EOFError):
            return "archive_malformed"


def _signature_problem(token: bytes, manifest_data: bytes, manifest: dict[str, Any],
                       resolve_key: Callable[[str], Ed25519PublicKey | None]) -> tuple[str | None, str | None]:
    """(problem, kid) of the detached signature over the manifest's exact bytes."""
    if len(token) > MAX_SIGNATURE_BYTES:
        return "signature_malformed", None
    jws = jwt.api_jws.PyJWS()
    try:
        header = jws.get_unverified_header(token)
    except jwt.PyJWTError:
        return "signature_malformed", None
    kid = header.get("kid")
    if header.get("alg") != ALG or header.get("b64") is not False or not isinstance(kid, str) or not kid:
        return "signature_malformed", None  # never "none", never HMAC, never a payload inside the token
    try:
        public_key = resolve_key(kid)
    except (LookupError, ValueError):
        public_key = None
    if not isinstance(public_key, Ed25519PublicKey):
        return "unknown_key", kid
    try:
        jws.decode_complete(token, public_key, algorithms=[ALG], detached_payload=manifest_data)
    except jwt.InvalidSignatureError:
        return "signature_invalid", kid
    except jwt.PyJWTError:
        return "signature_malformed", kid
    issuer = manifest.get("issuer")
    if not isinstance(issuer, dict) or kid.split("#", 1)[0] != issuer.get("did"):
        return "issuer_key_mismatch", kid
    return None, kid


def _content_problems(files: dict[str, bytes], manifest: dict[str, Any]) -> list[str]:
    problems = []
    listed = {str(entry.get("name")): entry for entry in manifest.get("files", []) if isinstance(entry, dict)}
    if set(listed) != {CSV_NAME, JSON_NAME}:
        return ["checksum_mismatch"]
    if any(hashlib.sha256(files[name]).hexdigest() != entry.get("sha256") for name, entry in listed.items()):
        problems.append("checksum_mismatch")
    expected = manifest.get("counts", {}).get("records") if isinstance(manifest.get("counts"), dict) else None
    try:
        records = json.loads(files[JSON_NAME])["records"]
        csv_rows = list(csv.reader(io.StringIO(files[CSV_NAME].decode("utf-8-sig"), newline="")))[1:]
    except (ValueError, KeyError, TypeError, csv.Error):
        return [*problems, "count_mismatch"]
    if not isinstance(records, list) or not len(records) == len(csv_rows) == expected:
        problems.append("count_mismatch")
    return problems


def verify_archive(data: bytes, resolve_key: Callable[[str], Ed25519PublicKey | None]) -> ArchiveCheck:
    """Check a package: the zip holds exactly its four files, the signature over the manifest holds with a key
    the registry publishes, and each file's sha256 and the record count are what the manifest says."""
    sha256 = hashlib.sha256(data).hexdigest()
    files = _members(data)
    if isinstance(files, str):
        return ArchiveCheck(False, (files,), sha256)
    try:
        manifest = json.loads(files[MANIFEST_NAME])
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict):
        return ArchiveCheck(False, ("manifest_malformed",), sha256)
    signature_problem, kid = _signature_problem(files[SIGNATURE_NAME], files[MANIFEST_NAME], manifest, resolve_key)
    problems = [signature_problem] if signature_problem else []
    problems += _content_problems(files, manifest)
    return ArchiveCheck(not problems, tuple(problems), sha256, manifest, kid)
