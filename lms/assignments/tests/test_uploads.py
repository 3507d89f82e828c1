"""Files are judged by their content, never by their name."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.assignments.uploads import FileTooLarge, file_kind, safe_file_name, submission_file_check

from .helpers import PDF_BYTES, docx_bytes, pdf_upload, text_disguised_as_pdf, zip_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


@pytest.mark.parametrize("name, data, kind", [
    ("essay.pdf", PDF_BYTES, "pdf"),
    ("essay.pdf", b"This is plain text pretending to be a PDF.\n", "txt"),
    ("photo.txt", PNG, "png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
    ("report.zip", docx_bytes(), "docx"),
    ("report.docx", zip_bytes(), "zip"),
    ("notes.txt", "Grüße, ça va? 日本語".encode(), "txt"),
    ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", None),
    ("random.bin", bytes(range(256)) * 4, None),
])
def test_kind_comes_from_the_content(name, data, kind):
    assert file_kind(SimpleUploadedFile(name, data)) == kind


def test_a_text_file_named_pdf_is_rejected_and_a_real_pdf_accepted():
    with pytest.raises(ValidationError, match="Plain text"):
        submission_file_check(text_disguised_as_pdf(), allowed=["pdf"], max_mb=1)
    assert submission_file_check(pdf_upload(), allowed=["pdf"], max_mb=1) == "pdf"


def test_size_limit_and_empty_files():
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    with pytest.raises(FileTooLarge):
        submission_file_check(big, allowed=["pdf"], max_mb=1)
    with pytest.raises(ValidationError, match="empty"):
        submission_file_check(SimpleUploadedFile("e.pdf", b""), allowed=["pdf"], max_mb=1)


def test_a_damaged_zip_is_refused():
    with pytest.raises(ValidationError, match="damaged"):
        file_kind(SimpleUploadedFile("x.zip", b"PK\x03\x04garbage"))


def test_stored_name_takes_the_real_extension():
    assert safe_file_name("../../My Essay (final).PDF.exe", "pdf") == "My-Essay-final-.PDF.pdf"
    assert safe_file_name("../../evil.html", "txt") == "evil.txt"
    assert safe_file_name("", "jpeg") == "submission.jpg"
