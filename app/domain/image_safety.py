"""Photos and scans, decoded safely and stored without their metadata.

An image is decoded only if its header announces no more than
``MAX_PIXELS``: a small PNG can announce 32768 × 32768 pixels and inflate to
a gibibyte (a decompression bomb). It is then encoded again, so that what is
stored holds only pixels: no EXIF (a phone photo's GPS position, the phone's
serial number), no text chunks, nothing appended after the image data.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

# 40 megapixels: more than a phone's photo (12 to 24 in their usual mode) or
# an A4 page scanned at 600 dpi (35), about 120 MB once decoded.
MAX_PIXELS = 40_000_000
PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG"}


def clean_image(content: bytes, file_type: str) -> tuple[bytes | None, str | None]:
    """(the image encoded again, None), or (None, why it is refused):
    ``image_too_large`` or ``image_unreadable``."""
    expected = PIL_FORMATS[file_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))  # reads the header only
            if image.format != expected:
                return None, "image_unreadable"
            width, height = image.size
            if width * height > MAX_PIXELS:
                return None, "image_too_large"
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, "image_too_large"
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None, "image_unreadable"
    # Turned upright first: the orientation lived in the EXIF being dropped.
    upright: Image.Image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if expected == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, optimize=True)
    else:
        upright.save(out, "PNG", optimize=True)
    return out.getvalue(), None
