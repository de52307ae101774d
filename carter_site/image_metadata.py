"""Camera and editing metadata taken out of uploaded pictures, without changing a pixel.

A photo straight from a phone says where it was taken (GPS), when, on which phone (make, model,
often its serial number), and an edited one often names who edited it and on which computer.
On this site a picture is as public as the page that shows it, and a picture taken at someone's
home, or of a group meeting, must not tell anyone where that was. So every uploaded picture
loses that metadata before it is stored, whichever way it arrives: the article's picture field
(`images.PictureFieldFile`), the editor's upload dialog (`editor_uploads.upload_image`) and, for
pictures stored before this, `manage.py strip_image_metadata`.

The picture data itself is copied byte for byte: the file is taken apart into the blocks its
format defines and put together again without the ones that only describe it. Nothing is
decoded and encoded again, so there is no loss of quality, and animations and colour profiles
stay as they were. What stays, in every format, is what changes how the picture looks:

- its colour profile (ICC) and colour-space markers;
- transparency, animation and how often an animation loops;
- its EXIF orientation, written back on its own: a phone stores an upright photo sideways with a
  note to turn it, and browsers follow that note;
- JFIF's pixel density and Adobe's colour-transform marker, which JPEG decoders read.

What goes: EXIF (GPS, dates, camera, serial numbers, and the small preview picture EXIF keeps,
which shows the photo as taken, before any cropping), XMP and IPTC (editing history, names,
captions, keywords), comments, JFIF preview pictures, and anything stored after the picture's
end (phones store a second, depth or "live" picture there, with its own EXIF).

A file whose blocks do not fit together raises DamagedPicture with a sentence that says so; the
upload checks (`images.validate_uploaded_image`) turn that into a form error before anything is
stored.
"""

import struct
import warnings
import zlib

from PIL import Image


class DamagedPicture(ValueError):
    """The file's blocks do not fit together, so it cannot be cleaned safely."""


def without_metadata(data, picture_format):
    """`data`, a whole picture file in `picture_format` (a format name Pillow gives: "JPEG",
    "PNG", "GIF", "WEBP"), without its metadata. Other formats come back unchanged."""
    cleaner = _CLEANERS.get(picture_format)
    if cleaner is None:
        return data
    try:
        return cleaner(data)
    except (IndexError, struct.error):
        raise DamagedPicture(_damaged(picture_format, "it ends in the middle of a part")) from None


def _damaged(picture_format, detail):
    return f"This {picture_format} file is damaged: {detail}."


# EXIF orientation (TIFF tag 274): 1 is upright, 2 to 8 say how to turn or mirror the stored
# pixels to show them upright.
ORIENTATION_TAG = 0x0112


def _orientation(exif):
    """The orientation in an EXIF block (a TIFF structure, with or without the "Exif\\0\\0"
    that JPEG puts before it), or None when it has none or cannot be read."""
    reader = Image.Exif()
    try:
        with warnings.catch_warnings():  # Pillow warns of damaged EXIF; it is dropped either way
            warnings.simplefilter("ignore")
            reader.load(exif)
            value = reader.get(ORIENTATION_TAG)
    except Exception:  # an unreadable EXIF block is dropped like a readable one
        return None
    return value if isinstance(value, int) and 2 <= value <= 8 else None


def _orientation_only(orientation):
    """An EXIF block (TIFF, big-endian) holding nothing but `orientation`: 26 bytes."""
    return (
        b"MM\x00\x2a"  # big-endian TIFF
        + struct.pack(">I", 8)  # the first directory follows the header
        + struct.pack(">H", 1)  # one entry:
        + struct.pack(">HHIH2x", ORIENTATION_TAG, 3, 1, orientation)  # SHORT, one value
        + struct.pack(">I", 0)  # no further directory
    )


# JPEG --------------------------------------------------------------------------------------

_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_APP0, _APP1, _APP2, _APP14 = 0xE0, 0xE1, 0xE2, 0xEE
# Markers with no length after them: TEM and the restart markers.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _jpeg(data):
    if data[:2] != b"\xff\xd8":
        raise DamagedPicture(_damaged("JPEG", "it does not start as a JPEG does"))
    segments = []  # (marker, bytes to write), in order, SOI and EOI left out
    orientation = None
    position, size = 2, len(data)
    while True:
        if position >= size and any(marker == _SOS for marker, _ in segments):
            break  # cut off after its picture data: the end marker is added below
        if position >= size or data[position] != 0xFF:
            raise DamagedPicture(_damaged("JPEG", "a part of it is not where its length says"))
        while position < size and data[position] == 0xFF:  # fill bytes before a marker
            position += 1
        marker = data[position]
        position += 1
        if marker == _EOI:
            break
        if marker in _STANDALONE:
            segments.append((marker, bytes((0xFF, marker))))
            continue
        if marker == _SOI or marker == 0x00:
            raise DamagedPicture(_damaged("JPEG", "it has a second start inside it"))
        (length,) = struct.unpack(">H", data[position : position + 2])
        end = position + length
        if length < 2 or end > size:
            raise DamagedPicture(_damaged("JPEG", "a part of it runs past its end"))
        payload = data[position + 2 : end]
        kept = _jpeg_segment(marker, payload)
        if kept is not None:
            segments.append((marker, b"\xff" + bytes((marker,)) + struct.pack(">H", len(kept) + 2) + kept))
        elif marker == _APP1 and payload.startswith(b"Exif\x00\x00") and orientation is None:
            orientation = _orientation(payload[6:])
        position = end
        if marker == _SOS:  # the compressed picture data follows, up to the next marker
            scan_end = _end_of_scan(data, position)
            segments.append((None, data[position:scan_end]))
            position = scan_end
    if not any(marker == _SOS for marker, _ in segments):
        raise DamagedPicture(_damaged("JPEG", "it ends before its picture data"))
    if orientation is not None:
        exif = b"Exif\x00\x00" + _orientation_only(orientation)
        app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
        # After JFIF's APP0, which must come first, and before everything else.
        at = 1 if segments and segments[0][0] == _APP0 else 0
        segments.insert(at, (_APP1, app1))
    # Whatever followed the end of the picture (a phone's second picture, with its own EXIF)
    # is left behind.
    return b"\xff\xd8" + b"".join(part for _, part in segments) + b"\xff\xd9"


def _jpeg_segment(marker, payload):
    """The payload to keep for a segment, or None to drop it."""
    if marker == _APP0:
        if payload.startswith(b"JFIF\x00") and len(payload) >= 14:
            # Density stays; the preview picture JFIF may carry (width, height, pixels) goes.
            return payload[:12] + b"\x00\x00"
        return None  # JFXX: nothing but a preview picture
    if marker == _APP2:
        return payload if payload.startswith(b"ICC_PROFILE\x00") else None  # not MPF's index
    if marker == _APP14:
        return payload if payload.startswith(b"Adobe") else None
    if 0xE0 <= marker <= 0xEF or marker == _COM:
        return None  # EXIF, XMP, IPTC, Photoshop, comments, makers' own blocks
    return payload  # tables, frame and scan headers: the picture itself


def _end_of_scan(data, position):
    """Where the compressed data that starts at `position` ends: at the next marker that is
    neither a stuffed 0xFF byte (FF 00) nor a restart marker (FF D0 to FF D7). A file cut off
    inside it ends there; browsers show such a picture as far as it goes, and so does this."""
    size = len(data)
    while True:
        position = data.find(b"\xff", position)
        if position < 0:
            return size
        if position + 1 >= size:
            return position
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


# PNG ---------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary chunks that change what is shown: transparency, colour, pixel size, animation.
# Everything else that is ancillary (text, EXIF, time stamps, makers' private chunks) goes.
_PNG_KEPT = {
    b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI",
    b"bKGD", b"pHYs", b"hIST", b"sPLT", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png(data):
    if not data.startswith(_PNG_SIGNATURE):
        raise DamagedPicture(_damaged("PNG", "it does not start as a PNG does"))
    chunks, orientation = [], None
    position, size = len(_PNG_SIGNATURE), len(data)
    while True:
        if position + 12 > size:
            raise DamagedPicture(_damaged("PNG", "it ends before its last part"))
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > size:
            raise DamagedPicture(_damaged("PNG", "a part of it runs past its end"))
        if kind == b"eXIf":
            orientation = orientation or _orientation(data[position + 8 : end - 4])
        elif kind[0:1].isupper() or kind in _PNG_KEPT:  # critical chunks, and the kept ones
            chunks.append((kind, data[position:end]))
        position = end
        if kind == b"IEND":
            break
    if orientation is not None:
        # EXIF must come before the picture data.
        first_data = next((index for index, (kind, _) in enumerate(chunks) if kind == b"IDAT"), 1)
        chunks.insert(first_data, (b"eXIf", _png_chunk(b"eXIf", _orientation_only(orientation))))
    return _PNG_SIGNATURE + b"".join(chunk for _, chunk in chunks)


# GIF ---------------------------------------------------------------------------------------

# Application extensions that change what is shown: looping, and a colour profile.
_GIF_KEPT_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"}


def _gif_blocks_end(data, position):
    """Where the data sub-blocks starting at `position` end (after their empty terminator)."""
    while True:
        length = data[position]
        position += 1 + length
        if length == 0:
            return position
        if position > len(data):
            raise IndexError


def _gif(data):
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise DamagedPicture(_damaged("GIF", "it does not start as a GIF does"))
    flags = data[10]
    position = 13 + (3 << ((flags & 0x07) + 1) if flags & 0x80 else 0)
    parts = [data[:position]]
    while True:
        introducer = data[position]
        if introducer == 0x3B:  # trailer; anything after it is left behind
            parts.append(b"\x3b")
            return b"".join(parts)
        if introducer == 0x2C:  # an image: descriptor, local colour table, LZW data
            local = data[position + 9]
            start = position + 10 + (3 << ((local & 0x07) + 1) if local & 0x80 else 0) + 1
            end = _gif_blocks_end(data, start)
            parts.append(data[position:end])
        elif introducer == 0x21:  # an extension
            label = data[position + 1]
            end = _gif_blocks_end(data, position + 2)
            if label in (0xF9, 0x01):  # frame timing and transparency; plain text
                parts.append(data[position:end])
            elif label == 0xFF:
                identifier = data[position + 3 : position + 3 + data[position + 2]]
                if identifier in _GIF_KEPT_APPLICATIONS:
                    parts.append(data[position:end])
            # 0xFE comments and other applications' data (XMP among them) are left behind
        else:
            raise DamagedPicture(_damaged("GIF", "a part of it is of no kind GIF knows"))
        if end > len(data):
            raise IndexError
        position = end


# WebP --------------------------------------------------------------------------------------

_WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp(data):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise DamagedPicture(_damaged("WebP", "it does not start as a WebP does"))
    (riff_size,) = struct.unpack("<I", data[4:8])
    size = min(len(data), 8 + riff_size)  # anything after the RIFF file is left behind
    chunks, orientation = [], None
    position = 12
    while position < size:
        if position + 8 > size:
            raise DamagedPicture(_damaged("WebP", "it ends in the middle of a part"))
        kind = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        end = position + 8 + length + (length & 1)  # parts are padded to an even length
        if position + 8 + length > size:
            raise DamagedPicture(_damaged("WebP", "a part of it runs past its end"))
        if kind == b"EXIF":
            orientation = orientation or _orientation(data[position + 8 : position + 8 + length])
        elif kind in _WEBP_KEPT:
            chunks.append([kind, bytearray(data[position:end])])
        position = end
    for kind, chunk in chunks:
        if kind == b"VP8X":
            chunk[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
            if orientation is not None:
                chunk[8] |= _VP8X_EXIF
    has_header = any(kind == b"VP8X" for kind, _ in chunks)
    if orientation is not None and has_header:  # only the extended format can carry EXIF
        exif = _orientation_only(orientation)
        chunks.append([b"EXIF", bytearray(b"EXIF" + struct.pack("<I", len(exif)) + exif)])
    body = b"WEBP" + b"".join(bytes(chunk) for _, chunk in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


_CLEANERS = {"JPEG": _jpeg, "MPO": _jpeg, "PNG": _png, "GIF": _gif, "WEBP": _webp}
