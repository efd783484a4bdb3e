"""Upload safety — pure checks on a file's name and first bytes.

A file must be what its name claims: the extension must be allowed and the content's signature
must match it. Executables and scripts are refused whatever they are called.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import Any


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


DOCUMENT_TYPES = {
    "pdf": FileType("pdf", "application/pdf", "PDF"),
    "docx": FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xlsx": FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "odt": FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument text"),
    "png": FileType("png", "image/png", "PNG image"),
    "jpg": FileType("jpg", "image/jpeg", "JPEG image"),
    "jpeg": FileType("jpeg", "image/jpeg", "JPEG image"),
}
SPREADSHEET_TYPES = {
    "csv": FileType("csv", "text/csv", "CSV"),
    "xlsx": DOCUMENT_TYPES["xlsx"],
}

_EXECUTABLE_SIGNATURES = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS program"),
    (b"#!", "a script"),
)


def safe_filename(name: str, max_length: int = 120) -> str:
    """A name safe to show and store: no paths, no control characters, ASCII letters and digits.

    The extension is kept; a name with nothing usable before it (``報告.pdf``) becomes ``file.pdf``.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^A-Za-z0-9._ -]+", "", base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:16]
    stem = re.sub(r"\s+", "-", stem.strip(" .-")).strip("-") or "file"
    suffix = f".{ext}" if ext else ""
    return stem[: max(1, max_length - len(suffix))] + suffix


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _zip_members(head: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(BytesIO(head)) as z:
            return z.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def sniff(content: bytes) -> str | None:
    """The extension the content really is, judged by its signature, or None if unknown."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        members = _zip_members(content) or []
        if any(m.startswith("word/") for m in members):
            return "docx"
        if any(m.startswith("xl/") for m in members):
            return "xlsx"
        if "mimetype" in members and b"application/vnd.oasis.opendocument.text" in content[:200]:
            return "odt"
        return "zip"
    if _looks_like_text(content):
        return "csv"
    return None


def _looks_like_text(content: bytes) -> bool:
    sample = content[:8192]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def check_upload(name: str, content: bytes, allowed: dict[str, FileType], max_bytes: int) -> FileType:
    """Return the file's type, or raise UploadRefused saying plainly what is wrong."""
    if not content:
        raise UploadRefused("The selected file is empty.")
    if len(content) > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB.")
    for signature, what in _EXECUTABLE_SIGNATURES:
        if content.startswith(signature):
            raise UploadRefused(f"The selected file is {what}, not a document. It has not been uploaded.")
    ext = extension_of(name)
    if ext not in allowed:
        kinds = ", ".join(sorted({t.label for t in allowed.values()}))
        raise UploadRefused(f"The selected file must be one of these types: {kinds}.")
    actual = sniff(content)
    expected = "jpg" if ext == "jpeg" else ext
    if actual != expected:
        raise UploadRefused(
            f"The selected file is called .{ext} but its content is not a {allowed[ext].label} file. "
            "Save it in the right format and try again."
        )
    return allowed[ext]


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded document read and checked, with what went wrong by field (``file``, ``title``)."""

    stored_name: str
    content: bytes
    file_type: FileType | None
    title: str
    errors: dict[str, list[str]]


def check_document_upload(upload: Any, title: str, *, max_bytes: int) -> CheckedUpload:
    """The checks every document upload gets before anything is stored: there is a file, it is not too big, its
    content is an allowed document type, and its title (the file's name when none is given) is not too long.

    ``upload`` is any object with ``name``, ``size``, ``read`` and (optionally) ``seek``, such as Django's
    UploadedFile. At most ``max_bytes + 1`` bytes are read.
    """
    errors: dict[str, list[str]] = {}
    name = str(getattr(upload, "name", "") or "")
    content, file_type = b"", None
    if upload is None:
        errors["file"] = ["Select a file to upload."]
    elif getattr(upload, "size", 0) and upload.size > max_bytes:
        errors["file"] = [f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB."]
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        content = upload.read(max_bytes + 1)
        try:
            file_type = check_upload(name, content, DOCUMENT_TYPES, max_bytes)
        except UploadRefused as exc:
            errors["file"] = [str(exc)]
    title = (title or "").strip() or safe_filename(name).rsplit(".", 1)[0].replace("-", " ")
    if len(title) > 200:
        errors["title"] = ["Keep the title to 200 characters or fewer."]
    return CheckedUpload(safe_filename(name), content, file_type, title, errors)
