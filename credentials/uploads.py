"""Evidence files: what is accepted, and how it is made safe before it is stored (SECURITY.md traps 4 and 5).

Only PDF, JPEG and PNG, recognised by their bytes (never by name or declared type), at most 10 MB.
Images are decoded and re-encoded with Pillow: a polyglot's tail and EXIF (GPS!) do not survive. PDFs
cannot be re-encoded without a renderer, so they are inspected: JavaScript, automatic actions, launch
and submit actions, embedded files and encryption (which hides all of these) are refused — in the raw
bytes and inside every compressed stream, with `#xx` name escapes decoded. Whatever passes is still served
only as an attachment, with nosniff and a sandbox CSP.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from PIL import Image

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_REQUEST = 10
MAX_IMAGE_PIXELS = 40_000_000
_MAX_INFLATED = 64 * 1024 * 1024  # all streams of one PDF together, decompressed

CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": (".pdf",), "jpeg": (".jpg", ".jpeg"), "png": (".png",)}

_INVISIBLE = re.compile("[\u0000-\u001f\u007f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_PDF_DANGER = re.compile(rb"/(JavaScript|JS|OpenAction|AA|Launch|SubmitForm|ImportData|RichMedia|"
                         rb"EmbeddedFiles?|XFA|Encrypt)(?![A-Za-z0-9])")
_HTML = re.compile(rb"<\s*(script|html|svg|iframe|body|object|embed)\b", re.IGNORECASE)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_A85 = re.compile(rb"[!-uz\s]+")
_UNINSPECTABLE = re.compile(rb"/(LZWDecode|LZW|Crypt)(?![A-Za-z0-9])")


class RefusedFile(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.reason = (zh, en)


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    content: bytes  # what is stored: re-encoded for images
    name: str  # the cleaned original name, with the extension of what the file really is


def clean_filename(raw: str | None) -> str:
    """The user's file name as data: no path, no bidi or zero-width marks, no control characters."""
    name = _INVISIBLE.sub("", unicodedata.normalize("NFC", raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".").strip()
    return name[:150]


def sniff(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def check_evidence_file(filename: str | None, content: bytes) -> CheckedFile:
    if not content:
        raise RefusedFile("文件为空", "the file is empty")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise RefusedFile(f"文件超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB",
                          f"the file is larger than {MAX_EVIDENCE_BYTES // 1024 // 1024} MB")
    kind = sniff(content)
    if kind is None:
        raise RefusedFile("只接受 PDF、JPEG 或 PNG 文件", "only PDF, JPEG or PNG files are accepted")
    if kind == "pdf":
        check_pdf(content)
    else:
        content = reencode_image(content, kind)
    return CheckedFile(kind, CONTENT_TYPES[kind], content, _named(clean_filename(filename), kind))


def _named(name: str, kind: str) -> str:
    stem = name or "evidence"
    return stem if stem.lower().endswith(EXTENSIONS[kind]) else stem + EXTENSIONS[kind][0]


def check_pdf(content: bytes) -> None:
    if b"%%EOF" not in content[-2048:]:
        raise RefusedFile("PDF 文件不完整", "the PDF file is incomplete")
    if _HTML.search(content):
        raise RefusedFile("PDF 中含有网页代码", "the PDF contains web page code")
    for text in _pdf_texts(content):
        found = _PDF_DANGER.search(_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text))
        if found:
            name = found.group(1).decode()
            raise RefusedFile(f"PDF 含有脚本、自动动作、附件或加密（/{name}），请另存为普通 PDF 后上传",
                              f"the PDF holds scripts, automatic actions, attachments or encryption (/{name}); "
                              "save it as a plain PDF and upload again")


def _pdf_texts(content: bytes) -> Iterator[bytes]:
    """The raw bytes, then every stream decoded as far as its filters go (object streams hide dictionaries
    there): Flate, ASCIIHex and ASCII85, chained up to three deep, since a script can hide behind any of them."""
    if _UNINSPECTABLE.search(content):
        raise RefusedFile("PDF 使用了无法检查的压缩方式（LZW），请另存为普通 PDF 后上传",
                          "the PDF uses a compression that cannot be inspected (LZW); save it as a plain PDF")
    yield content
    budget = [_MAX_INFLATED]
    for match in _STREAM.finditer(content):
        yield from _decoded_layers(match.group(1), budget, depth=3)


def _decoded_layers(data: bytes, budget: list[int], *, depth: int) -> Iterator[bytes]:
    if depth == 0:
        return
    for decode in (_inflate, _ascii_hex, _ascii85):
        decoded = decode(data, budget)
        if decoded is not None and decoded != data:
            budget[0] -= len(decoded)
            yield decoded
            yield from _decoded_layers(decoded, budget, depth=depth - 1)


def _inflate(data: bytes, budget: list[int]) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(data, max(budget[0], 1))
    except zlib.error:
        return None
    if inflater.unconsumed_tail:
        raise RefusedFile("PDF 解压后过大", "the PDF is too large once decompressed")
    return inflated


def _ascii_hex(data: bytes, budget: list[int]) -> bytes | None:
    body = data.split(b">", 1)[0]
    digits = bytes(c for c in body if c not in b" \t\r\n\f\x00")
    if not digits or not _HEX.fullmatch(digits) or len(digits) // 2 > budget[0]:
        return None
    return bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode("ascii"))


def _ascii85(data: bytes, budget: list[int]) -> bytes | None:
    body = data.strip().removeprefix(b"<~").split(b"~>", 1)[0]
    if not body or len(body) > budget[0] or not _A85.fullmatch(body):
        return None
    try:
        return base64.a85decode(body, ignorechars=b" \t\r\n\f\x00")
    except ValueError:
        return None


def reencode_image(content: bytes, kind: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as image:
                if image.format != kind.upper() or image.width * image.height > MAX_IMAGE_PIXELS:
                    raise RefusedFile("图片格式不符或尺寸过大", "the image is of another format or too large")
                image.load()
                return _encoded(image, kind)
    except RefusedFile:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise RefusedFile("图片尺寸过大", "the image is too large") from None
    except (OSError, ValueError, SyntaxError):
        raise RefusedFile("图片已损坏，无法读取", "the image is damaged and cannot be read") from None


def _encoded(image: Image.Image, kind: str) -> bytes:
    out = BytesIO()
    if kind == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=90)  # no exif= given: EXIF and GPS are dropped
    else:
        mode = image.mode if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else "RGBA"
        image.convert(mode).save(out, "PNG")  # text chunks are not carried over
    return out.getvalue()
