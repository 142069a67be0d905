"""The PDF: what it says (read back with pypdf), Greek and Cyrillic names, byte-identical re-renders,
and a QR code that decodes (rendered with PDFium, read with ZXing) to the verification link."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pypdfium2
import pytest
import segno
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from lms.certificates.models import Certificate
from lms.certificates.pdf import render_pdf

from .certificate_support import finish_course, only_certificate
from .conftest import Auth

VERIFY = "https://learn.example.org/verify/AbCdEfGhIjKlMnOpQrStUv"


def text_of(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return [line.strip() for line in reader.pages[0].extract_text().splitlines()]


def decoded_qr_codes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=3)
        image = bitmap.to_pil()
        return [result.text for result in zxingcpp.read_barcodes(image)]
    finally:
        document.close()


def sample(**overrides) -> Certificate:
    values = dict(credential_id="AbCdEfGhIjKlMnOpQrStUv", kind="course", holder_name="Ada Learner",
                  title="Leading AI Initiatives", hours=Decimal("12.5"), school_name="Conductor Academy",
                  signatory="Programme Director", achievement_slug="leading-ai",
                  completed_at=datetime(2026, 3, 4, 15, 30, tzinfo=UTC), issued_at=datetime(2026, 3, 4, 15, 30, tzinfo=UTC))
    return Certificate(**(values | overrides))


def download(client, credential_id):
    response = client.get(f"/certificates/{credential_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response


def test_the_pdf_says_who_achieved_what_when_and_how_to_verify_it(synced, learner, auth, client):
    finish_course(auth)
    certificate = only_certificate(synced)
    response = download(client, certificate.credential_id)
    assert response.headers["Content-Disposition"] == 'attachment; filename="certificate-intro-course.pdf"'
    lines = text_of(response.data)
    verify_url = f"http://localhost/verify/{certificate.credential_id}"
    day = certificate.completed_at
    date = f"{day.day} {day.strftime('%B')} {day.year}"
    for expected in ("Conductor Academy", "Certificate of Completion", "Ada Learner", "Intro Course",
                     "2 hours of study", f"completed on {date}", "Programme Director", verify_url,
                     f"Credential ID: {certificate.credential_id}"):
        assert any(expected in line for line in lines), (expected, lines)
    assert decoded_qr_codes(response.data) == [verify_url]
    box = PdfReader(io.BytesIO(response.data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points


def test_the_same_certificate_renders_to_the_same_bytes(synced, learner, auth, client):
    finish_course(auth)
    credential_id = only_certificate(synced).credential_id
    assert download(client, credential_id).data == download(client, credential_id).data
    assert render_pdf(sample(), VERIFY) == render_pdf(sample(), VERIFY)
    assert render_pdf(sample(), VERIFY) != render_pdf(sample(holder_name="Ada Lovelace"), VERIFY)


@pytest.mark.parametrize("name", ["Αλέξανδρος Παπαδόπουλος", "Анна Сергеевна Каренина", "Zoë Ørsted-Łukasiewicz"])
def test_greek_cyrillic_and_accented_latin_names_render(name):
    lines = text_of(render_pdf(sample(holder_name=name), VERIFY))
    assert name in lines


def test_a_long_title_wraps_and_the_qr_code_still_reads():
    title = "The AI Project Manager Pathway: from foundations and agile delivery to data quality and governance"
    pdf = render_pdf(sample(title=title, kind="programme"), VERIFY)
    assert "has successfully completed the programme" in text_of(pdf)
    assert title in " ".join(text_of(pdf))
    assert decoded_qr_codes(pdf) == [VERIFY]


def test_the_qr_code_drawn_is_segnos_matrix_for_the_link():
    """A second, decoder-free check: the dark modules drawn are exactly segno's matrix for the link."""
    pdf = render_pdf(sample(), VERIFY)
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=4).to_pil().convert("L")
    finally:
        document.close()
    matrix = [list(row) for row in segno.make(VERIFY, error="m", micro=False).matrix]
    scale = 4 * 72 / 25.4  # pixels per millimetre
    size, border, right, bottom = 34, 2, 20, 19
    module = size / (len(matrix) + 2 * border)
    x0, y0 = (297 - right - size + border * module) * scale, (210 - bottom - size + border * module) * scale
    drawn = [[image.getpixel((int(x0 + (c + 0.5) * module * scale), int(y0 + (r + 0.5) * module * scale))) < 128
              for c in range(len(matrix))] for r in range(len(matrix))]
    assert drawn == [[bool(cell) for cell in row] for row in matrix]


def test_logo_and_signatory_come_from_the_configuration(make_app, make_user, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (31, 79, 184)).save(logo)
    configured = make_app(LMS_SCHOOL_LOGO=str(logo), LMS_CERTIFICATE_SIGNATORY="Dr Grace Hopper, Dean")
    assert configured.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    auth = Auth(configured.test_client())
    auth.login()
    finish_course(auth)
    credential_id = only_certificate(configured).credential_id
    pdf = download(auth.client, credential_id).data
    assert "Dr Grace Hopper, Dean" in text_of(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    assert download(auth.client, credential_id).data == pdf  # a logo keeps the bytes stable too
