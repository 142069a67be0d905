"""What an uploaded image really is, read from its bytes (never from its name)."""
from __future__ import annotations

import struct


def sniff(data: bytes) -> str | None:
    """The image type the bytes really are, checked past the magic number where the format allows."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) > 33:
        width, height = struct.unpack(">II", data[16:24])
        return "png" if width and height else None
    if data.startswith(b"\xff\xd8\xff") and len(data) > 4:
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) > 13:
        width, height = struct.unpack("<HH", data[6:10])
        return "gif" if width and height else None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and struct.unpack("<I", data[4:8])[0] + 8 == len(data):
        return "webp"
    return None
