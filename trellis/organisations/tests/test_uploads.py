"""Upload safety: a file must be what its name says, and its name must be safe to store and show."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from trellis.organisations.domain.uploads import (
    DOCUMENT_TYPES,
    SPREADSHEET_TYPES,
    UploadRefused,
    check_upload,
    extension_of,
    safe_filename,
    sniff,
)

MB = 1024 * 1024
LIMIT = 10 * MB

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
CSV = "name,annual_income\nBrookfield Community Pantry,45000\nCafé Ukraïna,12000\n".encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p><w:t>Safeguarding</w:t></w:p></w:body></w:document>",
        }
    )


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active.append(["name", "annual_income"])
    wb.active.append(["Brookfield Community Pantry", 45000])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


# --- Accepted by their content -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("insurance.pdf", PDF, "application/pdf"),
        ("Insurance Certificate.PDF", PDF, "application/pdf"),
        ("policy.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("accounts.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("constitution.odt", _odt(), "application/vnd.oasis.opendocument.text"),
        ("certificate.png", PNG, "image/png"),
        ("certificate.jpg", JPG, "image/jpeg"),
        ("certificate.jpeg", JPG, "image/jpeg"),
    ],
)
def test_documents_are_accepted_when_their_content_matches_their_name(name, content, content_type):
    assert check_upload(name, content, DOCUMENT_TYPES, LIMIT).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("suppliers.csv", CSV),
        ("suppliers.csv", "name\nCafé Ukraïna\n".encode("cp1252", errors="replace")),
        ("suppliers.xlsx", _xlsx()),
    ],
)
def test_spreadsheets_are_accepted_by_content(name, content):
    assert check_upload(name, content, SPREADSHEET_TYPES, LIMIT).extension == extension_of(name)


def test_sniff_names_what_the_content_really_is():
    assert sniff(PDF) == "pdf"
    assert sniff(PNG) == "png"
    assert sniff(JPG) == "jpg"
    assert sniff(_docx()) == "docx"
    assert sniff(_xlsx()) == "xlsx"
    assert sniff(_odt()) == "odt"
    assert sniff(_zip({"readme.txt": b"hello"})) == "zip"
    assert sniff(CSV) == "csv"
    assert sniff(b"\x00\x01\x02binary\xff\xfe") is None


# --- Refused -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "a Windows program"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8, "a Linux program"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "a macOS program"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x02", "a macOS program"),
        (b"#!/bin/sh\nrm -rf /\n", "a script"),
    ],
)
@pytest.mark.parametrize("name", ["insurance.pdf", "policy.docx", "photo.png"])
def test_programs_and_scripts_renamed_as_documents_are_refused(content, what, name):
    with pytest.raises(UploadRefused, match=f"is {what}, not a document"):
        check_upload(name, content, DOCUMENT_TYPES, LIMIT)


def test_an_executable_renamed_csv_is_refused_for_spreadsheets_too():
    with pytest.raises(UploadRefused, match="a Linux program"):
        check_upload("suppliers.csv", b"\x7fELF\x02\x01\x01\x00", SPREADSHEET_TYPES, LIMIT)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("insurance.pdf", PNG),
        ("insurance.pdf", CSV),
        ("insurance.pdf", _docx()),
        ("photo.png", JPG),
        ("photo.jpg", PDF),
        ("policy.docx", _xlsx()),
        ("policy.docx", _zip({"evil.js": b"alert(1)"})),
        ("accounts.xlsx", _docx()),
        ("constitution.odt", _docx()),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_claims_is_refused(name, content):
    ext = extension_of(name)
    with pytest.raises(UploadRefused, match=rf"called \.{ext} but its content is not a"):
        check_upload(name, content, DOCUMENT_TYPES, LIMIT)


def test_a_binary_file_named_csv_is_refused():
    with pytest.raises(UploadRefused, match="not a CSV file"):
        check_upload("suppliers.csv", b"name\x00\x00\x01\x02", SPREADSHEET_TYPES, LIMIT)


@pytest.mark.parametrize("name", ["page.html", "image.svg", "run.exe", "macro.docm", "script.js", "noextension", ""])
def test_types_not_on_the_list_are_refused_whatever_they_contain(name):
    with pytest.raises(UploadRefused, match="must be one of these types: Excel, JPEG image, OpenDocument text"):
        check_upload(name, PDF, DOCUMENT_TYPES, LIMIT)


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRefused, match="The selected file is empty"):
        check_upload("insurance.pdf", b"", DOCUMENT_TYPES, LIMIT)


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_accepted():
    at_limit = PDF + b" " * (LIMIT - len(PDF))
    assert check_upload("big.pdf", at_limit, DOCUMENT_TYPES, LIMIT).extension == "pdf"
    with pytest.raises(UploadRefused, match="must be smaller than 10 MB"):
        check_upload("big.pdf", at_limit + b" ", DOCUMENT_TYPES, LIMIT)


# --- Names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\evil.exe", "evil.exe"),
        ("/var/www/html/index.php", "index.php"),
        ("Insurance Certificate 2026.pdf", "Insurance-Certificate-2026.pdf"),
        ("Café Ukraïna – accounts.pdf", "Cafe-Ukraina-accounts.pdf"),
        ("résumé final (v2).docx", "resume-final-v2.docx"),
        ("bad\x00na\x1bme\r\n.pdf", "badname.pdf"),
        ("\u202egnp.exe", "gnp.exe"),
        ("報告.pdf", "file.pdf"),
        ("....pdf", "file.pdf"),
        (".htaccess", "file.htaccess"),
        ("-rf .pdf", "rf.pdf"),
        ('a<b>:"|?*.pdf', "ab.pdf"),
        ("archive.tar.gz", "archive.tar.gz"),
        ("", "file"),
        ("name.", "name"),
    ],
)
def test_unsafe_names_are_made_safe(name, safe):
    assert safe_filename(name) == safe


def test_long_names_are_shortened_but_keep_their_extension():
    assert safe_filename("x" * 300 + ".pdf") == "x" * 116 + ".pdf"
    assert len(safe_filename("a." + "p" * 200)) <= 120


@given(st.text(max_size=300))
def test_any_name_becomes_a_safe_one(name):
    safe = safe_filename(name)
    assert 1 <= len(safe) <= 120
    assert "/" not in safe and "\\" not in safe
    assert not safe.startswith((".", "-"))
    assert safe.isascii() and safe.isprintable()
    assert all(c.isalnum() or c in "._-" for c in safe)


@given(st.sampled_from(sorted(DOCUMENT_TYPES)), st.text(max_size=80))
def test_a_safe_name_keeps_an_allowed_extension(ext, stem):
    assert extension_of(safe_filename(f"{stem}.{ext}")) == ext


class TestCheckDocumentUpload:
    """The checks every document upload gets (evidence, opportunity documents, bid documents)."""

    def _file(self, name: str, content: bytes):
        from io import BytesIO

        f = BytesIO(content)
        f.name, f.size = name, len(content)
        return f

    def test_a_pdf_passes_with_its_name_as_the_title(self):
        from trellis.organisations.domain.uploads import check_document_upload

        checked = check_document_upload(self._file("Annual-report 2025.pdf", b"%PDF-1.7\n..."), "", max_bytes=1000)
        assert checked.errors == {} and checked.file_type is not None
        assert checked.title == "Annual report 2025" and checked.stored_name.endswith(".pdf")

    def test_each_problem_is_named_by_field(self):
        from trellis.organisations.domain.uploads import check_document_upload

        assert check_document_upload(None, "x", max_bytes=1000).errors == {"file": ["Select a file to upload."]}
        big = self._file("a.pdf", b"%PDF-1.7\n")
        big.size = 3 * 1024 * 1024
        assert "smaller than 2 MB" in check_document_upload(big, "", max_bytes=2 * 1024 * 1024).errors["file"][0]
        fake = check_document_upload(self._file("report.pdf", b"MZ\x90\x00 not a pdf"), "t" * 201, max_bytes=1000)
        assert set(fake.errors) == {"file", "title"} and fake.file_type is None

    def test_a_stream_that_cannot_seek_is_read_from_where_it_is(self):
        from trellis.organisations.domain.uploads import check_document_upload

        class Stream:
            """An upload read once, front to back (no ``seek``), with no size given."""

            name = "plan.pdf"

            def __init__(self, content: bytes):
                self.content = content

            def read(self, limit: int) -> bytes:
                return self.content[:limit]

        checked = check_document_upload(Stream(PDF), "Delivery plan", max_bytes=1000)
        assert checked.errors == {} and checked.file_type.extension == "pdf" and checked.content == PDF


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"PK\x03\x04 a zip file cut short", "zip"),  # a zip signature with no readable members is still a zip
        ("name,town\nCafé Ukraïna,Northbridge\n".encode("cp1252"), "csv"),  # a Windows spreadsheet export
        (b"name,town\n\x81\x8d\x8f\x90\x9d\n", None),  # bytes that are text in neither UTF-8 nor Windows-1252
    ],
)
def test_sniff_reads_damaged_zips_and_windows_text(content, kind):
    assert sniff(content) == kind
