"""Safe download names: the uploader's file name, cleaned, and a Content-Disposition for it.

A name loses any path (`../../etc/passwd` → `passwd`), control and format characters
(including right-to-left overrides that disguise `exe.png`), quotes and characters no file
system accepts; a name whose extension does not match the detected type gets the right
one appended (`chart.png` holding a PDF downloads as `chart.png.pdf`).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from valuecalc_api.evidence.file_types import FileType

MAX_FILENAME_CHARS = 200
_FALLBACK_STEM = "evidence"
_REMOVED = frozenset("\"'\\/<>:|?*`;")
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def sanitize_filename(name: str | None, file_type: FileType) -> str:
    """A file name safe to store and to send back; never empty, never a path."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        char
        for char in unicodedata.normalize("NFC", base)
        if char not in _REMOVED and unicodedata.category(char) not in _REMOVED_CATEGORIES
    )
    cleaned = " ".join(cleaned.split()).strip(". ")
    stem = cleaned or _FALLBACK_STEM
    dot = stem.rfind(".")
    if dot <= 0 or stem[dot:].lower() not in file_type.extensions:
        stem += file_type.extension
    if len(stem) > MAX_FILENAME_CHARS:
        dot = stem.rfind(".")
        extension = stem[dot:]
        stem = stem[: MAX_FILENAME_CHARS - len(extension)].rstrip(". ") + extension
    return stem


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII `filename` fallback and the exact name as RFC 6266
    `filename*` (UTF-8, percent-encoded), so browsers never render the file inline."""
    fallback = "".join(
        char if " " <= char <= "~" and char not in '"\\' else "_" for char in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
