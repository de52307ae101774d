"""Small images made in memory for upload tests."""

import io

from PIL import Image


def png_bytes(size=(8, 8), color=(31, 78, 90)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()
