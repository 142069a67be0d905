"""Images for the school settings tests, made here so the tests say what the bytes are."""
from __future__ import annotations

import io

from PIL import Image


def tiny_png(size: int = 8, colour=(31, 79, 184)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()


def noisy_png(size: int) -> bytes:
    """A PNG that does not compress: about size*size*3 bytes."""
    import os
    out = io.BytesIO()
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(out, "PNG")
    return out.getvalue()


CLEAN_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10" width="20" height="10">'
             b'<rect width="20" height="10" fill="#1f4fb8"/></svg>')
