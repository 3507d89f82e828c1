"""Certificate and marksheet PDFs read back: text, page size, QR code, embedded credential, no fetching."""
from __future__ import annotations

import datetime
import http.server
import io
import json
import threading
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from lms.certificates import documents
from lms.certificates.documents import (
    Branding,
    CertificateData,
    MarksheetData,
    ScoreLine,
    Signatory,
    render_certificate_pdf,
    render_marksheet_pdf,
)

NUMBER = "EC-7K3M-9QXT-2HRV"
URL = f"https://acme.educrowd.test/verify/{NUMBER}"
# Points (1/72 in): A4 is 210 × 297 mm, Letter 8.5 × 11 in.
PAGE_POINTS = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}


def _png(width: int, height: int, color: str) -> bytes:
    from PIL import Image, ImageDraw

    out = io.BytesIO()
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((2, 2, width - 2, height - 2), fill=color)
    image.save(out, "PNG")
    return out.getvalue()


def _branding(**overrides) -> Branding:
    values = {
        "name": "Acme Academy", "primary_color": "#7c3aed", "logo": _png(120, 40, "#7c3aed"),
        "signatories": (Signatory("Grace Hopper", "Dean of Studies", _png(200, 60, "#111111")),
                        Signatory("Alan Turing", "Course Lead")),
    }
    return Branding(**{**values, **overrides})


def _certificate(page_size: str = "A4", **overrides) -> CertificateData:
    values = {
        "branding": _branding(), "learner_name": "Ada Lovelace", "course_title": "Analytical Engines 101",
        "issued_on": datetime.date(2025, 3, 4), "grade_band": "A", "total_percent": D("92.5"),
        "certificate_number": NUMBER, "verification_url": URL, "page_size": page_size,
    }
    return CertificateData(**{**values, **overrides})


LINES = (
    ScoreLine("quiz", "Quiz 1: Bernoulli numbers", D("9"), D("10"), D("20"), D("18")),
    ScoreLine("quiz", "Quiz 2: Difference engine", D("7.25"), D("10"), D("10"), D("7.25")),
    ScoreLine("assignment", "Essay on the engine", D("42.5"), D("50"), D("25"), D("21.25")),
    ScoreLine("project", "Loom simulator", 88, 100, 35, D("30.8")),
    ScoreLine("lab", "Punch-card lab", None, None, 10, 10, note="completed"),
)
# What each line must read as, cell by cell, in the gradebook's order.
LINE_CELLS = (
    ("Quiz", "Quiz 1: Bernoulli numbers", "9", "10", "20%", "18"),
    ("Quiz", "Quiz 2: Difference engine", "7.25", "10", "10%", "7.25"),
    ("Assignment", "Essay on the engine", "42.5", "50", "25%", "21.25"),
    ("Project", "Loom simulator", "88", "100", "35%", "30.8"),
    ("Lab", "Punch-card lab (completed)", "—", "—", "10%", "10"),
)


def _marksheet(page_size: str = "A4", lines=LINES) -> MarksheetData:
    return MarksheetData(
        branding=_branding(), learner_name="Ada Lovelace", course_title="Analytical Engines 101",
        issued_on=datetime.date(2025, 3, 4), certificate_number=NUMBER, verification_url=URL, lines=lines,
        total_score=D("146.75"), total_max=D("170"), total_percent=D("87.3"), grade_band="B", page_size=page_size,
    )


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _size(page) -> tuple[float, float]:
    box = page.mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_certificate_reads_back_with_name_course_grade_number_on_a_landscape_page(page_size):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(_certificate(page_size))))

    assert len(reader.pages) == 1
    short, long = PAGE_POINTS[page_size]
    assert _size(reader.pages[0]) == (long, short)  # landscape
    text = _text(reader)
    for expected in ("Acme Academy", "Certificate of Completion", "Ada Lovelace", "Analytical Engines 101",
                     "Grade: A (92.5%)", "Issued 4 March 2025", f"Certificate no. {NUMBER}", "Grace Hopper",
                     "Dean of Studies", "Alan Turing", "Course Lead"):
        assert expected in text, expected
    assert URL in text.replace("\n", "")
    assert reader.metadata["/EducrowdCertificateNumber"] == NUMBER
    assert reader.metadata["/Title"] == f"Certificate {NUMBER} — Ada Lovelace"


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_marksheet_reads_back_with_every_score_line_weight_total_percentage_and_band(page_size):
    reader = PdfReader(io.BytesIO(render_marksheet_pdf(_marksheet(page_size))))

    assert _size(reader.pages[0]) == PAGE_POINTS[page_size]  # portrait
    text = _text(reader)
    rows = text.splitlines()
    for cells in LINE_CELLS:
        assert " ".join(cells) in rows, cells  # every cell, in order, on its own row
    assert "Total 146.75 170 100% 87.3%" in rows
    assert "Percentage: 87.3% · Grade: B" in text
    for expected in ("Marksheet", "Ada Lovelace", "Analytical Engines 101", f"Certificate no. {NUMBER}", URL):
        assert expected in text, expected


def test_a_long_marksheet_flows_onto_more_pages_and_keeps_every_line():
    lines = tuple(ScoreLine("quiz", f"Weekly quiz {i}", i % 10, 10, 1, D(i % 10) / 10) for i in range(1, 61))
    reader = PdfReader(io.BytesIO(render_marksheet_pdf(_marksheet(lines=lines))))

    assert len(reader.pages) >= 2
    text = _text(reader)
    for i in range(1, 61):
        assert f"Quiz Weekly quiz {i} {i % 10} 10 1% {documents.format_number(D(i % 10) / 10)}" in text, i
    assert "Kind Item Score Max Weight Contribution" in reader.pages[1].extract_text()  # header repeats


def test_qr_code_in_the_certificate_is_the_verification_url():
    import segno

    reader = PdfReader(io.BytesIO(render_certificate_pdf(_certificate())))
    expected = segno.make(URL, error="m", micro=False)
    modules = len(expected.matrix) + 2 * 4  # 4-module quiet zone
    qr_images = [im.image for im in reader.pages[0].images if im.image.size == (4 * modules, 4 * modules)]
    assert len(qr_images) == 1
    pixels = qr_images[0].convert("L")
    # Sample the centre of every module; dark where segno's matrix for the URL says dark.
    read = [[pixels.getpixel((4 * (x + 4) + 2, 4 * (y + 4) + 2)) < 128 for x in range(len(expected.matrix))]
            for y in range(len(expected.matrix))]
    assert read == [[bool(v) for v in row] for row in expected.matrix]
    assert documents.qr_png(URL) == documents.qr_png(URL)  # deterministic, so the same URL gives the same code
    assert documents.qr_png(URL) != documents.qr_png(URL + "x")


def test_credential_json_is_embedded_as_attachment_and_in_the_info_dictionary_byte_for_byte():
    credential = json.dumps({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Analytical Engines 101",
        "credentialSubject": {"name": "José Núñez (李) \\ ( ) \"quoted\""},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofValue": "z3FXQje" * 12},
    }, ensure_ascii=False, separators=(",", ":")).encode()
    reader = PdfReader(io.BytesIO(render_certificate_pdf(_certificate(credential_json=credential))))

    assert reader.attachments[documents.CREDENTIAL_ATTACHMENT] == [credential]
    assert reader.metadata[documents.CREDENTIAL_INFO_KEY].encode() == credential
    assert json.loads(reader.attachments["credential.json"][0])["credentialSubject"]["name"].startswith("José")
    # As text too (str in, same bytes out).
    again = PdfReader(io.BytesIO(render_certificate_pdf(_certificate(credential_json=credential.decode()))))
    assert again.attachments["credential.json"] == [credential]


def test_without_a_credential_nothing_is_embedded():
    reader = PdfReader(io.BytesIO(render_certificate_pdf(_certificate())))
    assert dict(reader.attachments) == {}
    assert documents.CREDENTIAL_INFO_KEY not in reader.metadata


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(_png(10, 10, "#ff0000"))

    def log_message(self, *args):
        pass


def test_the_fetcher_refuses_the_network_and_every_file_but_the_bundled_fonts(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png(10, 10, "#00ff00"))
    try:
        _Counting.hits.clear()
        html = (f'<html><head><link rel="stylesheet" href="{base}/a.css"><style>@import url("{base}/b.css");'
                f'body {{ background: url("{base}/c.png") }}</style></head><body><p>Hello</p>'
                f'<img src="{base}/d.png"><img src="https://example.invalid/e.png"><img src="{secret.as_uri()}">'
                f'<img src="file:///etc/passwd"><link rel="attachment" href="{base}/f.json"></body></html>')
        reader = PdfReader(io.BytesIO(documents._html_to_pdf(html)))
        assert _Counting.hits == []
        from weasyprint import HTML

        HTML(string=html).write_pdf()  # control: WeasyPrint's own fetcher does reach the server
        assert "/d.png" in _Counting.hits
        assert "Hello" in reader.pages[0].extract_text()
        assert list(reader.pages[0].images) == [] and dict(reader.attachments) == {}
    finally:
        server.shutdown()
        server.server_close()

    fetcher = documents._engine()[0]
    for url in (f"{base}/x.png", "ftp://example.invalid/x", secret.as_uri(), "file:///etc/passwd",
                (documents.FONTS_DIR / "Lato-OFL.txt").as_uri(), (documents.FONTS_DIR / ".." / "documents.py").as_uri(),
                "file://evil.example/" + str(documents.FONTS_DIR / "Lato-Regular.ttf"), "inline:" + "0" * 64):
        with pytest.raises(documents.FetchRefused):
            fetcher.fetch(url)
    font = fetcher.fetch((documents.FONTS_DIR / "Lato-Regular.ttf").as_uri())
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_a_logo_in_the_tenants_storage_prints_and_another_tenant_cannot_reach_it(site_a, site_b):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    with site_a:
        name = default_storage.save("branding/logo.png", ContentFile(_png(90, 30, "#2563eb")))
        data = _certificate(branding=_branding(logo=name, signatories=()))
        own = PdfReader(io.BytesIO(render_certificate_pdf(data)))
        assert sorted(im.image.size for im in own.pages[0].images)[0] == (90, 30)  # the logo, beside the QR
        fetcher = documents._engine()[0]
        for escape in ("../globex/branding/logo.png", "/etc/passwd", "../../secret"):
            with pytest.raises(documents.FetchRefused):
                fetcher.fetch(f"tenant-storage:{escape}")
    with site_b:
        foreign = PdfReader(io.BytesIO(render_certificate_pdf(data)))
        assert len(foreign.pages[0].images) == 1  # only the QR code: A's logo is not in B's storage
        assert "Ada Lovelace" in foreign.pages[0].extract_text()


def test_unsafe_branding_and_bad_input():
    reader = PdfReader(io.BytesIO(render_marksheet_pdf(MarksheetData(
        branding=_branding(name='O\'Brien & "Sons" </style><script>', primary_color="red; } body { display: none"),
        learner_name="<b>Zoë</b>", course_title="Café & Crème", issued_on=datetime.date(2025, 1, 2),
        certificate_number='N")x', verification_url=URL, lines=LINES[:1], total_score=9, total_max=10,
        total_percent=90, grade_band="A"))))
    text = _text(reader)
    for expected in ("O'Brien & \"Sons\" </style><script>", "<b>Zoë</b>", "Café & Crème", "Percentage: 90% · Grade: A",
                     "O'Brien & \"Sons\" </style><script> · marksheet N\")x · page 1"):
        assert expected in text, expected

    with pytest.raises(ValueError, match="page size"):
        render_certificate_pdf(_certificate("A5"))
    with pytest.raises(ValueError, match="kind"):
        render_marksheet_pdf(_marksheet(lines=(ScoreLine("exam", "Final", 1, 2, 100, 50),)))
    images = {}
    assert documents._image_src(b"not an image", images) == "" and images == {}


def test_threads_render_side_by_side_each_with_its_own_engine():
    from concurrent.futures import ThreadPoolExecutor

    names = [f"Learner {i} Ångström" for i in range(6)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda name: render_certificate_pdf(_certificate(learner_name=name)), names))
    for name, pdf in zip(names, pdfs):
        assert name in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_numbers_print_as_the_gradebook_has_them():
    fmt = documents.format_number
    assert [fmt(85), fmt(D("85.50")), fmt(85.5), fmt(D(1) / 3), fmt(D("-0.001")), fmt(None), fmt(D("100.00"))] == [
        "85", "85.5", "85.5", "0.33", "0", "—", "100"]
