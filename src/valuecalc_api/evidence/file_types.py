"""Which uploaded files are accepted, decided by their bytes (magic numbers), never by the
file name or the client's Content-Type: a program renamed `chart.png` is refused.

Accepted: PNG, JPEG, GIF, WebP, PDF, XLSX (a zip with `[Content_Types].xml` and an `xl/`
part), and text (valid UTF-8 without NUL or other control characters). Text is served as
CSV when its name ends in `.csv`, else as plain text: both are inert text types.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileType:
    name: str
    media_type: str
    extensions: tuple[str, ...]  # the first is the one appended to a mismatched name

    @property
    def extension(self) -> str:
        return self.extensions[0]


PNG = FileType("png", "image/png", (".png",))
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("gif", "image/gif", (".gif",))
WEBP = FileType("webp", "image/webp", (".webp",))
PDF = FileType("pdf", "application/pdf", (".pdf",))
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
CSV = FileType("csv", "text/csv; charset=utf-8", (".csv",))
TEXT = FileType("text", "text/plain; charset=utf-8", (".txt", ".tsv", ".log", ".md"))

ACCEPTED_DESCRIPTION = "PNG, JPEG, GIF, WebP, PDF, XLSX, CSV or plain UTF-8 text"
ACCEPTED = (PNG, JPEG, GIF, WEBP, PDF, XLSX, CSV, TEXT)
# The media types a file's content is served as (a pasted text's too: plain text).
SERVED_MEDIA_TYPES = tuple(file_type.media_type for file_type in ACCEPTED)

_MAGIC: tuple[tuple[bytes, FileType], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"%PDF-", PDF),
)
# Control characters that never occur in a CSV or text export (TAB, LF, FF, CR do).
_FORBIDDEN_IN_TEXT = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}) | {0x7F}


def _is_xlsx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        # Reads only the central directory: nothing is decompressed.
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def _is_text(content: bytes) -> bool:
    if _FORBIDDEN_IN_TEXT.intersection(content):
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_file_type(content: bytes, filename: str | None) -> FileType | None:
    """The accepted type of `content`, None if it is none of them. The name only chooses
    between CSV and plain text, which the bytes cannot tell apart."""
    for magic, file_type in _MAGIC:
        if content.startswith(magic):
            return file_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if _is_xlsx(content):
        return XLSX
    if _is_text(content):
        return CSV if (filename or "").lower().endswith(".csv") else TEXT
    return None
