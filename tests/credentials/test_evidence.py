"""Evidence uploads: only real PDF, JPEG and PNG; images re-encoded; dangerous PDFs refused; names kept as
clean data; bytes stored apart under a random name (SECURITY.md traps 4 and 5)."""

from __future__ import annotations

import base64
import zlib
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from credentials import Conflict, Forbidden, ValidationFailed
from credentials.models import EvidenceBlob
from credentials.services.promotions import attach_evidence, submit_promotion
from credentials.uploads import MAX_EVIDENCE_BYTES, RefusedFile, check_evidence_file, clean_filename
from tests.promotion_fixtures import nominate, png_bytes


def pdf(body: bytes = b"BT /F1 12 Tf (hello) Tj ET", extra: bytes = b"") -> bytes:
    return (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R " + extra + b">> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"3 0 obj << /Length " + str(len(body)).encode() + b" >> stream\n" + body + b"\nendstream endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 16), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 18.0, 0.0)}  # GPSInfo
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_png_is_accepted_and_re_encoded():
    original = png_bytes() + b"<script>alert(1)</script>"  # a polyglot tail

    checked = check_evidence_file("成果证明.png", original)

    assert checked.content_type == "image/png" and checked.name == "成果证明.png"
    assert b"<script>" not in checked.content
    assert Image.open(BytesIO(checked.content)).size == (8, 8)


def test_a_jpeg_loses_its_exif_and_gps_when_re_encoded():
    original = jpeg_with_gps()
    assert Image.open(BytesIO(original)).getexif()  # the upload carried GPS

    checked = check_evidence_file("photo.jpg", original)

    assert checked.content_type == "image/jpeg"
    assert not Image.open(BytesIO(checked.content)).getexif()


def test_a_plain_pdf_is_kept_as_it_is():
    checked = check_evidence_file("专利证书.pdf", pdf())

    assert (checked.kind, checked.name) == ("pdf", "专利证书.pdf")


@pytest.mark.parametrize(("content", "why"), [
    (pdf(extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "/OpenAction"),
    (pdf(extra=b"/AA << /O 4 0 R >>"), "/AA"),
    (pdf(extra=b"/Names << /J#61vaScript 5 0 R >>"), "/JavaScript"),  # name escapes are decoded first
    (pdf(body=zlib.compress(b"<< /Type /Action /S /Launch /F (cmd.exe) >>")), "/Launch"),  # inside a stream
    (pdf(extra=b"/Encrypt 9 0 R"), "/Encrypt"),
    (pdf(extra=b"/Names << /EmbeddedFiles 6 0 R >>"), "/EmbeddedFiles"),
    # hidden behind the text filters a PDF allows, alone or chained with Flate (a hostile review found these)
    (pdf(body=b"<< /S /JavaScript /JS (x) >>".hex().encode() + b">"), "/JavaScript"),  # /ASCIIHexDecode
    (pdf(body=b" ".join(b"<< /S /Launch >>".hex().encode()[i:i + 2] for i in range(0, 32, 2)) + b">"),
     "/Launch"),  # hex with spaces
    (pdf(body=b"<~" + base64.a85encode(b"<< /OpenAction 3 0 R >>") + b"~>"), "/OpenAction"),  # /ASCII85Decode
    (pdf(body=zlib.compress(b"<< /S /JavaScript >>").hex().encode() + b">"), "/JavaScript"),  # hex of Flate
    (pdf(body=base64.a85encode(zlib.compress(b"/AA << >>")) + b"~>"), "/AA"),  # ASCII85 of Flate
])
def test_pdfs_with_scripts_actions_attachments_or_encryption_are_refused(content, why):
    with pytest.raises(RefusedFile) as refused:
        check_evidence_file("x.pdf", content)
    assert why in refused.value.reason[0]


@pytest.mark.parametrize(("content", "reason"), [
    (pdf() + b"<html><script>alert(1)</script></html>", "网页代码"),
    (b"%PDF-1.4\n1 0 obj << >> endobj\n", "不完整"),
    (pdf(extra=b"/Filter /LZWDecode"), "LZW"),  # a filter we cannot look through is refused
    (b"GIF89a" + b"\x00" * 20, "只接受"),
    (b"<html><body>hi</body></html>", "只接受"),
    (b"MZ\x90\x00" + b"\x00" * 60, "只接受"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "已损坏"),
    (b"", "为空"),
])
def test_other_files_are_refused_with_a_reason(content, reason):
    with pytest.raises(RefusedFile) as refused:
        check_evidence_file("x.pdf", content)
    assert reason in refused.value.reason[0]


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(RefusedFile) as refused:
        check_evidence_file("big.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES)
    assert "10 MB" in refused.value.reason[0]


@pytest.mark.parametrize(("raw", "clean"), [
    ("证书\u202egpj.exe", "证书gpj.exe"),  # right-to-left override: would show as 证书exe.jpg
    ("a\u200bb\u2066c\u2069.pdf", "abc.pdf"),
    ("..\\..\\windows\\证书.pdf", "证书.pdf"),
    ("/etc/passwd", "passwd"),
    ("", ""),
])
def test_file_names_lose_paths_bidi_controls_and_zero_width_marks(raw, clean):
    assert clean_filename(raw) == clean


def test_the_name_gets_the_extension_of_what_the_file_really_is():
    assert check_evidence_file("证书\u202egpj.exe", png_bytes()).name == "证书gpj.exe.png"
    assert check_evidence_file(None, pdf()).name == "evidence.pdf"


def test_evidence_is_stored_under_a_random_name_with_its_bytes_apart(cast):
    request = nominate(cast, evidence=False)

    first = attach_evidence(db.session(), request, filename="a\u202e.png", content=png_bytes(), by=cast["nominator"])
    second = attach_evidence(db.session(), request, filename="a.png", content=png_bytes(), by=cast["nominator"])
    db.session.commit()

    assert len(first.stored_name) == 32 and first.stored_name != second.stored_name
    assert first.original_name == "a.png" and "\u202e" not in first.original_name
    blob = db.session.scalar(select(EvidenceBlob).where(EvidenceBlob.evidence_id == first.id))
    assert blob.content.startswith(b"\x89PNG") and first.size == len(blob.content)


def test_a_refused_file_writes_nothing(cast):
    request = nominate(cast, evidence=False)

    with pytest.raises(ValidationFailed) as refused:
        attach_evidence(db.session(), request, filename="x.pdf", content=pdf(extra=b"/JS (x)"), by=cast["nominator"])
    assert refused.value.field == "evidence"
    assert db.session.scalars(select(EvidenceBlob)).all() == []


def test_only_the_nominating_side_uploads_and_only_before_submission(cast):
    request = nominate(cast)

    with pytest.raises(Forbidden):
        attach_evidence(db.session(), request, filename="x.png", content=png_bytes(), by=cast["other_staff"])
    submit_promotion(db.session(), request, by=cast["nominator"])
    with pytest.raises(Conflict):
        attach_evidence(db.session(), request, filename="x.png", content=png_bytes(), by=cast["nominator"])


def test_at_most_ten_files_per_request(cast):
    request = nominate(cast)  # one already
    for _ in range(9):
        attach_evidence(db.session(), request, filename="x.png", content=png_bytes(), by=cast["nominator"])

    with pytest.raises(ValidationFailed) as refused:
        attach_evidence(db.session(), request, filename="x.png", content=png_bytes(), by=cast["nominator"])
    assert "至多 10 个文件" in refused.value.message("zh")
