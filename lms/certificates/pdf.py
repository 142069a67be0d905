"""The printable certificate: landscape A4 drawn with fpdf2, an embedded open-licence font (Latin, Greek,
Cyrillic) and a vector QR code of the verification link. Same certificate in, same bytes out."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from ..i18n import DEFAULT_LANGUAGE, _, force_locale
from .formatting import hours_of_study, long_date
from .models import Certificate

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
INK, MUTED, BRAND = (28, 36, 48), (79, 91, 107), (31, 79, 184)  # BRAND: when the school chose no accent
WIDTH, HEIGHT = 297, 210  # A4 landscape, millimetres
TEXT_WIDTH = 245
QR_SIZE = 34


def accent_of(certificate: Certificate) -> tuple[int, int, int]:
    """The school's accent colour as issued (checked for contrast on white when it was set), else the default."""
    accent = certificate.accent or ""
    if len(accent) == 7 and accent.startswith("#"):
        try:
            return tuple(int(accent[i:i + 2], 16) for i in (1, 3, 5))
        except ValueError:
            pass
    return BRAND


class CertificatePDF(FPDF):
    def __init__(self, brand: tuple[int, int, int] = BRAND):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.brand = brand
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)

    def centred(self, y: float, text: str, size: float, style: str = "", colour=INK, width: float = TEXT_WIDTH,
                min_size: float = 10, max_lines: int = 1) -> float:
        """Write centred text, shrinking the type until it fits in ``max_lines`` (it wraps further only if
        even the smallest size is too wide). Returns the y below the text."""
        while size > min_size:
            self.set_font(FAMILY, style, size)
            lines = self.multi_cell(width, size * 0.45, text, align="C", dry_run=True, output=MethodReturnValue.LINES)
            if len(lines) <= max_lines:
                break
            size -= 1
        self.set_font(FAMILY, style, size)
        self.set_text_color(*colour)
        self.set_xy((WIDTH - width) / 2, y)
        self.multi_cell(width, size * 0.45, text, align="C")
        return self.get_y()

    def frame(self) -> None:
        self.set_draw_color(*self.brand)
        self.set_line_width(1.2)
        self.rect(8, 8, WIDTH - 16, HEIGHT - 16)
        self.set_line_width(0.3)
        self.rect(11.5, 11.5, WIDTH - 23, HEIGHT - 23)

    def qr(self, url: str, x: float, y: float, size: float) -> None:
        """The QR code as filled rectangles (one per run of dark modules), so it prints sharp at any size."""
        code = segno.make(url, error="m", micro=False)
        rows = [list(row) for row in code.matrix]
        border = 2
        module = size / (len(rows) + 2 * border)
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                self.rect(x + (border + start) * module, y + (border + r) * module, (c - start) * module, module,
                          style="F")


def render_pdf(certificate: Certificate, verify_url: str, logo: str | BytesIO | None = None) -> bytes:
    """The certificate as PDF bytes, in the certificate's language (all but the names and the title, which
    keep their own); the creation date is the issue date, so re-rendering is byte-identical."""
    language = certificate.language or DEFAULT_LANGUAGE
    with force_locale(language):
        return _render(certificate, verify_url, logo, language)


def _render(certificate: Certificate, verify_url: str, logo, language: str) -> bytes:
    brand = accent_of(certificate)
    pdf = CertificatePDF(brand)
    pdf.set_creation_date(certificate.issued_at)
    pdf.set_title(_("Certificate of completion: %(title)s", title=certificate.title))
    pdf.set_author(certificate.school_name)
    pdf.set_subject(_("Awarded to %(name)s; verify at %(url)s", name=certificate.holder_name, url=verify_url))
    pdf.set_creator("Conductor")
    pdf.set_lang(language)
    pdf.add_page()
    pdf.frame()

    y = 26.0
    if logo:
        pdf.image(logo, x="C", y=19, h=16)
        y += 14
    pdf.centred(y, certificate.school_name, 14, "B", brand)
    pdf.set_draw_color(*brand)
    pdf.set_line_width(0.6)
    pdf.line(WIDTH / 2 - 15, y + 9, WIDTH / 2 + 15, y + 9)
    pdf.centred(y + 15, _("Certificate of Completion"), 30, "B")
    pdf.centred(y + 37, _("This certifies that"), 12, colour=MUTED)
    below = pdf.centred(y + 46, certificate.holder_name, 30, "B", width=230)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.3)
    pdf.line(73, below + 2, WIDTH - 73, below + 2)
    completed = _("has successfully completed the course") if certificate.kind == "course" \
        else _("has successfully completed the programme")
    pdf.centred(below + 6, completed, 12, colour=MUTED)
    below = pdf.centred(below + 16, certificate.title, 20, "B", brand, min_size=13, max_lines=2)
    facts = "  ·  ".join((hours_of_study(certificate.hours, language),
                          _("completed on %(date)s", date=long_date(certificate.completed_at, language))))
    pdf.centred(below + 6, facts, 12)

    # Signature, bottom left.
    pdf.set_draw_color(*INK)
    pdf.line(28, 172, 112, 172)
    pdf.set_xy(28, 174)
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_text_color(*INK)
    pdf.multi_cell(84, 5, certificate.signatory, align="L")
    pdf.set_x(28)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    title = f"{certificate.signatory_title}\n" if certificate.signatory_title else ""
    issued = _("Issued %(date)s", date=long_date(certificate.issued_at, language))
    pdf.multi_cell(84, 4.5, f"{title}{certificate.school_name}\n{issued}", align="L")

    # Verification, bottom right: the QR code and the link it encodes, in words for those who type.
    qr_x, qr_y = WIDTH - 20 - QR_SIZE, HEIGHT - 19 - QR_SIZE
    pdf.qr(verify_url, qr_x, qr_y, QR_SIZE)
    block = 110
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 9)
    pdf.set_xy(qr_x - block - 2, qr_y + 9)
    pdf.cell(block, 5, _("Verify this certificate"), align="R")
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(qr_x - block - 2, qr_y + 14)
    pdf.multi_cell(block, 4, verify_url, align="R")
    pdf.set_x(qr_x - block - 2)
    pdf.multi_cell(block, 4, _("Credential ID: %(id)s", id=certificate.credential_id), align="R")
    return bytes(pdf.output())
