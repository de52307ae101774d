"""Camera and editing metadata taken out of uploaded pictures, without changing a pixel.

A photo straight from a phone says where it was taken (GPS), when, on which phone (make, model,
often its serial number), and an edited one often names who edited it and on which computer.
On this site a picture is as public as the page that shows it, and a picture taken at someone's
home, or of a group meeting, must not tell anyone where that was. So every uploaded picture
loses that metadata before it is stored, whichever way it arrives: the article's picture field
(`images.PictureFieldFile`), the editor's upload dialog (`editor_uploads.upload_image`) and, for
pictures stored before this, `manage.py strip_image_metadata`.

The picture data itself is copied byte for byte: the file is taken apart into the blocks its
format defines and put together again from the ones that make the picture, and nothing else.
Nothing is decoded and encoded again, so there is no loss of quality, and animations and colour
profiles stay as they were. What stays, in every format, is what changes how the picture looks:

- its colour profile (ICC), with the names written in it blanked: calibration tools name a
  profile after the person or the computer ("Jordan's iMac");
- transparency, animation and how often an animation loops;
- its EXIF orientation, written back on its own: a phone stores an upright photo sideways with a
  note to turn it, and browsers follow that note;
- JFIF's pixel density and Adobe's colour-transform marker, which JPEG decoders read.

What goes: EXIF (GPS, dates, camera, serial numbers, and the small preview picture EXIF keeps,
which shows the photo as taken, before any cropping), XMP and IPTC (editing history, names,
captions, keywords), comments, JFIF preview pictures, any block of a kind the format does not
need to show the picture, and anything stored after the picture's end (phones store a second,
depth or "live" picture there, with its own EXIF).

The output is built in one buffer, and a file of more parts than any picture has is refused,
so the work stays in proportion to the upload's size. A file whose blocks do not fit together
raises DamagedPicture with a sentence that says so; the upload checks
(`images.validate_uploaded_image`) turn that into a form error before anything is stored.
Damage that browsers read past (a few stray bytes between blocks, a file cut off after its
picture data began, a GIF without its last byte) is read past here too.
"""

import io
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
        cleaned = bytes(cleaner(memoryview(data)))
    except (IndexError, struct.error):
        raise DamagedPicture(_damaged(picture_format, "it ends in the middle of a part")) from None
    if _shape(cleaned) != _shape(data, as_cleaned=True):
        # Parts of it were where they should not be (a length that swallows the tables after
        # it, say): what is left is not the picture it was. Better a sentence than that.
        raise DamagedPicture(_damaged(picture_format, "its parts do not make the picture it claims to be"))
    return cleaned


def _shape(data, as_cleaned=False):
    """What Pillow reads in a file's headers: format, size, mode and number of frames; None if
    it reads no picture. A picture too large for Pillow to open at all is not compared."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                picture_format = "JPEG" if as_cleaned and image.format == "MPO" else image.format
                frames = 1 if picture_format == "JPEG" else getattr(image, "n_frames", 1)
                return picture_format, image.size, image.mode, frames
    except Image.DecompressionBombError:
        return "too large to compare"
    except Exception:  # Pillow raises many kinds
        return None


def sniffed_format(data):
    """The picture format a file's first bytes announce ("JPEG", "PNG", "GIF", "WEBP"), or None.
    Read without Pillow, so a picture too large for Pillow to open is still known for what it is."""
    head = bytes(data[:12])
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(_PNG_SIGNATURE):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


# Phones and editors write tens of blocks, an animation a few thousand; a file of more is made
# to cost time and memory, not to be shown.
MAX_PARTS = 100_000


def _damaged(picture_format, detail):
    return f"This {_NAMES.get(picture_format, picture_format)} file is damaged: {detail}."


_NAMES = {"WEBP": "WebP", "MPO": "JPEG"}


class _Parts:
    """Counts the blocks of a file as they are read, and refuses one of too many."""

    def __init__(self, picture_format):
        self.picture_format = picture_format
        self.count = 0

    def next(self):
        self.count += 1
        if self.count > MAX_PARTS:
            raise DamagedPicture(
                _damaged(self.picture_format, "it is made of more parts than any picture has")
            )


# --- EXIF orientation -----------------------------------------------------------------------

# EXIF orientation (TIFF tag 274): 1 is upright, 2 to 8 say how to turn or mirror the stored
# pixels to show them upright.
ORIENTATION_TAG = 0x0112


def _orientation(exif):
    """The orientation in an EXIF block (a TIFF structure, with or without the "Exif\\0\\0"
    that JPEG puts before it): 2 to 8, or None when it is upright, has none or cannot be read."""
    reader = Image.Exif()
    try:
        with warnings.catch_warnings():  # Pillow warns of damaged EXIF; it is dropped either way
            warnings.simplefilter("ignore")
            reader.load(bytes(exif))
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


# --- ICC colour profiles --------------------------------------------------------------------

NEUTRAL_NAME = "Colour profile"


def _blank_profile_names(profile):
    """A copy of an ICC profile with every text in it (its name, copyright, the device's maker
    and model) replaced by NEUTRAL_NAME or blanks, of the same length, so nothing else moves;
    and its checksum (profile ID) cleared, as the profile changed. A text whose own lengths do
    not add up is blanked whole. None when the profile's table of contents cannot be read: then
    colour-managing readers ignore it too."""
    profile = bytearray(profile)
    size = len(profile)
    if size < 132 or profile[36:40] != b"acsp":
        return None
    (count,) = struct.unpack(">I", profile[128:132])
    if 132 + 12 * count > size:
        return None
    tags = [struct.unpack(">4sII", profile[132 + 12 * index : 144 + 12 * index]) for index in range(count)]
    if any(offset + length > size for _, offset, length in tags):
        return None
    profile[84:100] = bytes(16)  # profile ID: "not computed"
    for _, offset, length in tags:
        kind = bytes(profile[offset : offset + 4])
        if (
            kind in (b"text", b"desc", b"mluc")
            and length >= 8
            and not _blank_text(profile, offset, length, kind)
        ):
            profile[offset + 8 : offset + length] = bytes(length - 8)  # an empty text of its kind
    return bytes(profile)


def _blank_text(profile, offset, length, kind):
    """Blank the text tag at `offset` in place; False when its own lengths do not add up."""
    end = offset + length
    if kind == b"text":  # the text, to the end of the tag
        _put_text(profile, offset + 8, length - 8, "ascii")
        return True
    if kind == b"desc":  # ICC v2: the name in ASCII, in Unicode and as a Mac ScriptCode string
        if length < 12:
            return False
        (ascii_length,) = struct.unpack(">I", profile[offset + 8 : offset + 12])
        unicode_header = offset + 12 + ascii_length
        if unicode_header > end:
            return False
        _put_text(profile, offset + 12, ascii_length, "ascii")
        if unicode_header + 8 <= end:
            (characters,) = struct.unpack(">I", profile[unicode_header + 4 : unicode_header + 8])
            script = unicode_header + 8 + 2 * characters
            if script > end:
                return False
            _put_text(profile, unicode_header + 8, 2 * characters, "utf-16-be")
            if script + 3 < end:  # its code (2 bytes) and length (1), then 67 bytes
                profile[script + 2 : min(script + 70, end)] = bytes(min(script + 70, end) - script - 2)
        return True
    # mluc, ICC v4: the name in several languages, each at its own offset in the tag.
    if length < 16:
        return False
    records, record_size = struct.unpack(">II", profile[offset + 8 : offset + 16])
    if record_size < 12 or offset + 16 + records * record_size > end:
        return False
    for record in range(records):
        at = offset + 16 + record * record_size
        text_length, text_offset = struct.unpack(">II", profile[at + 4 : at + 12])
        if text_offset + text_length > length:
            return False
    for record in range(records):
        at = offset + 16 + record * record_size
        text_length, text_offset = struct.unpack(">II", profile[at + 4 : at + 12])
        _put_text(profile, offset + text_offset, text_length, "utf-16-be", ends_with_zero=False)
    return True


def _put_text(profile, start, length, encoding, ends_with_zero=True):
    """Write NEUTRAL_NAME into `length` bytes at `start`, cut or padded with zeros, leaving room
    for the zero that ends it unless the format gives its length instead (`encoding` None
    writes zeros only)."""
    text = NEUTRAL_NAME.encode(encoding) if encoding else b""
    unit = 2 if encoding == "utf-16-be" else 1
    room = length - unit if ends_with_zero else length
    text = text[: max(0, room // unit * unit)]
    profile[start : start + length] = text + bytes(length - len(text))


# --- JPEG -----------------------------------------------------------------------------------

_SOI, _EOI, _SOS, _DNL = 0xD8, 0xD9, 0xDA, 0xDC
_APP0, _APP1, _APP2, _APP14 = 0xE0, 0xE1, 0xE2, 0xEE
# Segments that make the picture: frame headers (SOF, every coding process), Huffman and
# arithmetic tables, quantisation tables, restart interval, hierarchical progression, expansion.
_PICTURE_SEGMENTS = {*range(0xC0, 0xC8), *range(0xC9, 0xD0), 0xDB, 0xDD, 0xDE, 0xDF} - {0xC8}
_ICC_SIGNATURE = b"ICC_PROFILE\x00"


def _jpeg(data):
    if data[:2] != b"\xff\xd8":
        raise DamagedPicture(_damaged("JPEG", "it does not start as a JPEG does"))
    parts = _Parts("JPEG")
    kept = []  # (marker, start, end, payload override or None), in order; SOI and EOI left out
    icc = []  # (index in kept, sequence number, payload start, end)
    orientation, exif_seen, scans = None, False, 0
    position, size = 2, len(data)
    while True:
        parts.next()
        # Stray bytes before a marker are skipped, as decoders do ("extraneous bytes").
        while position < size and data[position] != 0xFF:
            position += 1
        while position < size and data[position] == 0xFF:  # fill bytes before a marker
            position += 1
        if position >= size:
            if scans:
                break  # cut off after its picture data: the end marker is added below
            raise DamagedPicture(_damaged("JPEG", "it ends before its picture data"))
        marker = data[position]
        position += 1
        if marker == _EOI:
            break
        if marker in (0x00, 0x01) or 0xD0 <= marker <= 0xD7:
            continue  # an escaped 0xFF out of place, or a standalone marker: nothing to keep
        if marker == _SOI:
            raise DamagedPicture(_damaged("JPEG", "it has a second start inside it"))
        if position + 2 > size:
            if scans:
                break
            raise DamagedPicture(_damaged("JPEG", "it ends before its picture data"))
        (length,) = struct.unpack(">H", data[position : position + 2])
        end = position + length
        if length < 2 or end > size:
            if scans:
                break  # cut off inside a part after the picture data: read as far as it goes
            raise DamagedPicture(_damaged("JPEG", "a part of it runs past its end"))
        start = position - 2  # the marker's 0xFF
        payload = data[position + 2 : end]
        if marker in _PICTURE_SEGMENTS or marker == _SOS:
            kept.append((marker, start, end, None))
        elif marker == _DNL:
            kept.append((marker, start, end, bytes(payload[:2])))  # the number of lines, nothing more
        elif marker == _APP0 and payload[:5] == b"JFIF\x00" and len(payload) >= 14 and not scans:
            # Density stays; the preview picture JFIF may carry (width, height, pixels) goes.
            kept.append((marker, start, end, bytes(payload[:12]) + b"\x00\x00"))
        elif marker == _APP2 and payload[:12] == _ICC_SIGNATURE and len(payload) >= 14 and not scans:
            icc.append((len(kept), payload[12], position + 2 + 14, end))
            kept.append((marker, start, end, None))
        elif marker == _APP14 and payload[:5] == b"Adobe" and len(payload) >= 12 and not scans:
            kept.append((marker, start, end, bytes(payload[:12])))  # version, flags, colour transform
        elif marker == _APP1 and payload[:6] == b"Exif\x00\x00" and not scans and not exif_seen:
            exif_seen = True  # only the first EXIF before the picture counts, as for decoders
            orientation = _orientation(payload[6:])
        # Everything else goes: EXIF, XMP, IPTC, Photoshop, comments, makers' own blocks.
        position = end
        if marker == _SOS:  # the compressed picture data follows, up to the next marker
            scans += 1
            scan_end = _end_of_scan(data, position, parts)
            kept.append((None, position, scan_end, None))
            position = scan_end
    if not scans:
        raise DamagedPicture(_damaged("JPEG", "it ends before its picture data"))
    replaced = _jpeg_icc(data, kept, icc)

    out = bytearray(b"\xff\xd8")
    if kept and kept[0][0] == _APP0:
        _write_jpeg_part(out, data, kept[0], replaced.get(0))
        first = 1
    else:
        first = 0
    if orientation is not None:  # after JFIF's APP0, which must come first, and before the rest
        exif = b"Exif\x00\x00" + _orientation_only(orientation)
        out += b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    for index in range(first, len(kept)):
        _write_jpeg_part(out, data, kept[index], replaced.get(index))
    # Whatever followed the end of the picture (a phone's second picture, with its own EXIF)
    # is left behind.
    out += b"\xff\xd9"
    return out


def _write_jpeg_part(out, data, part, replacement):
    marker, start, end, payload = part
    payload = replacement if replacement is not None else payload
    if payload is None:
        out += data[start:end]
    else:
        out += b"\xff" + bytes((marker,)) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg_icc(data, kept, icc):
    """The colour profile's segments with its names blanked: {index in kept: new payload}. A
    profile in pieces that do not make one (missing or repeated pieces) is dropped whole."""
    if not icc:
        return {}
    ordered = sorted(icc, key=lambda piece: piece[1])
    sequence = [piece[1] for piece in ordered]
    profile = _blank_profile_names(b"".join(data[start:end] for _, _, start, end in ordered))
    if profile is None or sequence != list(range(1, len(ordered) + 1)):
        for index, _, _, _ in icc:
            kept[index] = (None, 0, 0, None)  # written as nothing
        return {}
    replaced, at = {}, 0
    for index, number, start, end in ordered:
        piece = profile[at : at + end - start]
        at += end - start
        replaced[index] = _ICC_SIGNATURE + bytes((number, len(ordered))) + piece
    return replaced


def _end_of_scan(data, position, parts):
    """Where the compressed data that starts at `position` ends: at the next marker that is
    neither a stuffed 0xFF byte (FF 00) nor a restart marker (FF D0 to FF D7). A file cut off
    inside it ends there; browsers show such a picture as far as it goes, and so does this."""
    data = data.obj if isinstance(data, memoryview) else data  # bytes.find, not a copy
    size = len(data)
    while True:
        position = data.find(b"\xff", position)
        if position < 0:
            return size
        if position + 1 >= size:
            return position
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            if following != 0x00:
                parts.next()
            position += 1 if following == 0xFF else 2
            continue
        return position


# --- PNG ------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CRITICAL = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
# Ancillary chunks that change what is shown: transparency, colour, pixel size, animation.
# Everything else that is ancillary (text, EXIF, time stamps, makers' private chunks) goes.
_PNG_KEPT = {
    b"tRNS", b"cHRM", b"gAMA", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"pHYs",
    b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip
# The largest colour profile read out of a PNG: real ones are a few kilobytes, up to about 1 MB.
MAX_PROFILE_BYTES = 4 * 1024 * 1024


def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png(data):
    if data[:8] != _PNG_SIGNATURE:
        raise DamagedPicture(_damaged("PNG", "it does not start as a PNG does"))
    parts = _Parts("PNG")
    out = bytearray(_PNG_SIGNATURE)
    orientation, exif_seen, before_data = None, False, None
    position, size = len(_PNG_SIGNATURE), len(data)
    while True:
        parts.next()
        if position + 12 > size:
            raise DamagedPicture(_damaged("PNG", "it ends before its last part"))
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = bytes(data[position + 4 : position + 8])
        end = position + 12 + length
        if end > size:
            raise DamagedPicture(_damaged("PNG", "a part of it runs past its end"))
        if kind == b"IDAT" and before_data is None:
            before_data = len(out)  # where an orientation goes: EXIF must precede the picture data
        if kind in _PNG_CRITICAL or kind in _PNG_KEPT:
            out += data[position:end]
        elif kind[:1].isupper():
            raise DamagedPicture(_damaged("PNG", "it has a part no PNG reader knows"))
        elif kind == b"iCCP":
            out += _png_profile(data[position + 8 : end - 4])
        elif kind == b"eXIf" and not exif_seen:
            exif_seen = True
            orientation = _orientation(data[position + 8 : end - 4])
        position = end
        if kind == b"IEND":
            break
    if orientation is not None and before_data is not None:
        out[before_data:before_data] = _png_chunk(b"eXIf", _orientation_only(orientation))
    return out


def _png_profile(payload):
    """An iCCP chunk with the profile's names blanked, under a neutral name; nothing when the
    profile cannot be read (a reader would ignore it too)."""
    name_end = bytes(payload[:80]).find(b"\x00")
    if name_end < 1 or name_end + 2 > len(payload) or payload[name_end + 1] != 0:
        return b""
    inflater = zlib.decompressobj()
    try:
        profile = inflater.decompress(payload[name_end + 2 :], MAX_PROFILE_BYTES)
    except zlib.error:
        return b""
    if inflater.unconsumed_tail:
        return b""
    profile = _blank_profile_names(profile)
    if profile is None:
        return b""
    return _png_chunk(b"iCCP", b"ICC Profile\x00\x00" + zlib.compress(profile, 9))


# --- GIF ------------------------------------------------------------------------------------

_LOOPING = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}
_GIF_PROFILE = b"ICCRGBG1012"


def _gif_blocks(data, position, parts):
    """The data sub-blocks starting at `position`: their (start, end) and where they end (after
    the empty block that closes them)."""
    blocks = []
    while True:
        parts.next()
        length = data[position]
        if length == 0:
            return blocks, position + 1
        if position + 1 + length > len(data):
            raise IndexError
        blocks.append((position + 1, position + 1 + length))
        position += 1 + length


def _gif(data):
    if bytes(data[:6]) not in (b"GIF87a", b"GIF89a"):
        raise DamagedPicture(_damaged("GIF", "it does not start as a GIF does"))
    parts = _Parts("GIF")
    flags = data[10]
    position = 13 + (3 << ((flags & 0x07) + 1) if flags & 0x80 else 0)
    if position > len(data):
        raise IndexError
    out = bytearray(data[:position])
    while True:
        parts.next()
        if position >= len(data) or data[position] == 0x3B:
            # The trailer, or the end of the file where it belongs (read as one, as browsers
            # do); anything after it is left behind.
            out += b"\x3b"
            return out
        introducer = data[position]
        if introducer == 0x00:  # a stray byte between blocks, which readers skip
            position += 1
        elif introducer == 0x2C:  # an image: descriptor, local colour table, LZW data
            local = data[position + 9]
            start = position + 10 + (3 << ((local & 0x07) + 1) if local & 0x80 else 0) + 1
            _, end = _gif_blocks(data, start, parts)
            out += data[position:end]
            position = end
        elif introducer == 0x21:  # an extension
            label = data[position + 1]
            blocks, end = _gif_blocks(data, position + 2, parts)
            if label == 0xF9 and blocks and blocks[0][1] - blocks[0][0] == 4:
                # Frame timing, disposal and transparency: its four bytes, nothing after them.
                out += b"\x21\xf9\x04" + bytes(data[blocks[0][0] : blocks[0][1]]) + b"\x00"
            elif label == 0xFF and blocks:
                identifier = bytes(data[blocks[0][0] : blocks[0][1]])
                if identifier in _LOOPING:
                    loop = next(
                        (bytes(data[s + 1 : s + 3]) for s, e in blocks[1:] if e - s >= 3 and data[s] == 1),
                        None,
                    )
                    if loop is not None:  # how often it loops, in the standard form alone
                        out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + loop + b"\x00"
                elif identifier == _GIF_PROFILE:
                    out += _gif_profile(data, blocks[1:])
            # Comments (0xFE), text drawn over the picture (0x01, which browsers ignore) and
            # other applications' data (XMP among them) are left behind.
            position = end
        else:
            raise DamagedPicture(_damaged("GIF", "a part of it is of no kind GIF knows"))


def _gif_profile(data, blocks):
    """The colour-profile extension with the profile's names blanked, in sub-blocks as before."""
    profile = _blank_profile_names(b"".join(data[start:end] for start, end in blocks))
    if profile is None:
        return b""
    out = bytearray(b"\x21\xff\x0b" + _GIF_PROFILE)
    at = 0
    for start, end in blocks:
        out += bytes((end - start,)) + profile[at : at + end - start]
        at += end - start
    return out + b"\x00"


# --- WebP -----------------------------------------------------------------------------------

_WEBP_PICTURE = {b"VP8 ", b"VP8L", b"ALPH"}
_VP8X_ICC, _VP8X_EXIF, _VP8X_XMP = 0x20, 0x08, 0x04


def _webp_chunks(data, position, end, parts):
    """The chunks between `position` and `end`: (kind, payload start, payload end)."""
    chunks = []
    while position < end:
        parts.next()
        if position + 8 > end:
            raise DamagedPicture(_damaged("WEBP", "it ends in the middle of a part"))
        kind = bytes(data[position : position + 4])
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        if position + 8 + length > end:
            raise DamagedPicture(_damaged("WEBP", "a part of it runs past its end"))
        chunks.append((kind, position + 8, position + 8 + length))
        position += 8 + length + (length & 1)  # parts are padded to an even length
    return chunks


def _webp_chunk(kind, payload):
    return kind + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) & 1 else b"")


def _webp(data):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise DamagedPicture(_damaged("WEBP", "it does not start as a WebP does"))
    parts = _Parts("WEBP")
    (riff_size,) = struct.unpack("<I", data[4:8])
    size = min(len(data), 8 + riff_size)  # anything after the RIFF file is left behind
    body = bytearray(b"WEBP")
    header_at, has_profile, orientation, exif_seen = None, False, None, False
    for kind, start, end in _webp_chunks(data, 12, size, parts):
        payload = data[start:end]
        if kind == b"VP8X" and len(payload) >= 10:
            header_at = len(body)
            body += _webp_chunk(kind, bytes(payload))
        elif kind == b"ICCP":
            profile = _blank_profile_names(payload)
            if profile is not None:
                has_profile = True
                body += _webp_chunk(kind, profile)
        elif kind == b"ANIM" or kind in _WEBP_PICTURE:
            body += _webp_chunk(kind, bytes(payload))
        elif kind == b"ANMF" and len(payload) >= 16:
            # A frame: its 16-byte header and its picture, not whatever else was nested in it.
            frame = bytearray(payload[:16])
            for inner, inner_start, inner_end in _webp_chunks(data, start + 16, end, parts):
                if inner in _WEBP_PICTURE:
                    frame += _webp_chunk(inner, bytes(data[inner_start:inner_end]))
            body += _webp_chunk(kind, bytes(frame))
        elif kind == b"EXIF" and not exif_seen:
            exif_seen = True
            orientation = _orientation(payload)
        # XMP, EXIF and any other kind of chunk go.
    if header_at is not None:
        flags = body[header_at + 8] & ~(_VP8X_ICC | _VP8X_EXIF | _VP8X_XMP)
        flags |= _VP8X_ICC if has_profile else 0
        if orientation is not None:  # only the extended format can carry EXIF
            flags |= _VP8X_EXIF
            body += _webp_chunk(b"EXIF", _orientation_only(orientation))
        body[header_at + 8] = flags
    return b"RIFF" + struct.pack("<I", len(body)) + body


_CLEANERS = {"JPEG": _jpeg, "MPO": _jpeg, "PNG": _png, "GIF": _gif, "WEBP": _webp}
