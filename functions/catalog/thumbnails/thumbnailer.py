"""What the bytes of an uploaded image really are, and its thumbnails. Pillow lives here, in the
thumbnails function alone (its requirements.txt): no other function imports it.

The file is decoded once: a JPEG at the smallest DCT scale that still covers the widest thumbnail
(``draft``), which is most of the work saved on a phone photo; each smaller thumbnail is made from
the one above it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

# the formats a merchant may upload, as Pillow names them -> the content type they must be declared as
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # a 5 MB file can still claim 30000 x 30000 pixels (a decompression bomb)


class NotAnImage(Exception):
    """The bytes are not an image of an accepted format (the reason is the message)."""


@dataclass(frozen=True)
class Inspected:
    content_type: str
    width: int
    height: int
    image: Image.Image  # decoded, possibly at a reduced scale (never below ``for_width``)


def inspect(data: bytes, for_width: int) -> Inspected:
    """Decode the whole file (a truncated or corrupt one fails) with only the decoders of the
    accepted formats; its real type and original size."""
    try:
        image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (Image.UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise NotAnImage(f"not a JPEG, PNG or WebP image ({type(exc).__name__})") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise NotAnImage(f"{width}x{height} pixels is more than {MAX_PIXELS}")
    content_type = FORMATS[image.format or ""]
    if image.format == "JPEG" and width > for_width:
        image.draft("RGB", (for_width, max(1, height * for_width // width)))
    try:
        image.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        raise NotAnImage(f"the image is damaged ({type(exc).__name__})") from None
    return Inspected(content_type, width, height, image)


def thumbnails(inspected: Inspected, widths: tuple[int, ...]) -> dict[int, bytes]:
    """WebP thumbnails ``width`` pixels wide (never wider than the original), upright per EXIF."""
    image = ImageOps.exif_transpose(inspected.image)
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    out = {}
    for width in sorted(widths, reverse=True):
        if image.width > width:
            image = image.resize((width, max(1, round(image.height * width / image.width))),
                                 Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=80, method=3)
        out[width] = buffer.getvalue()
    return out
