"""Small images made in memory for upload tests."""

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms


def png_bytes(size=(8, 8), color=(31, 78, 90)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


# --- Photos as phones and photo editors write them, with what they say about who, where, when

MAKER = b"Phonemaker"
SERIAL = b"SN-4411-0932"
EDITOR = b"Jordan at the front desk"
COMMENT = b"taken in the back yard on Elm Street"
PRIVATE = (MAKER, SERIAL, EDITOR, COMMENT, b"GPS")
# An sRGB colour profile named, as calibration tools name them, after someone's computer.
PROFILE_NAME = "Jordan's iMac"
PROFILE = (
    ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    .tobytes()
    .replace("sRGB built-in".encode("utf-16-be"), PROFILE_NAME.encode("utf-16-be"))
)
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="' + EDITOR + b'"/></rdf:RDF>'
    b'</x:xmpmeta><?xpacket end="w"?>'
)


def phone_exif(orientation=6):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = MAKER.decode()
    exif[ExifTags.Base.BodySerialNumber] = SERIAL.decode()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 4.0, 31.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (84.0, 17.0, 40.0)
    return exif.tobytes()


def picture(size=(24, 16), mode="RGB"):
    """A picture whose pixels all differ, so any change to them shows."""
    image = Image.new(mode, size)
    image.putdata([((x * 10) % 256, (y * 15) % 256, (x * y) % 256) + (() if mode == "RGB" else (200,))
                   for y in range(size[1]) for x in range(size[0])])  # fmt: skip
    return image


def phone_photo(fmt, orientation=6, size=(24, 16), **options):
    """A picture as a phone or photo editor writes it, with everything PRIVATE in it."""
    buffer = io.BytesIO()
    extra = {"JPEG": {"comment": COMMENT, "xmp": XMP}, "WEBP": {"xmp": XMP}, "PNG": {}}[fmt]
    picture(size).save(buffer, fmt, exif=phone_exif(orientation), icc_profile=PROFILE, **extra, **options)
    data = buffer.getvalue()
    if fmt == "PNG":  # text chunks, as editors write them
        data = add_png_chunks(data, [(b"tEXt", b"Author\x00" + EDITOR), (b"zTXt", b"Comment\x00\x00" +
                              zlib.compress(COMMENT)), (b"tIME", b"\x07\xea\x0b\x16\x0c\x00\x00")])  # fmt: skip
    assert all(secret in data for secret in (MAKER, SERIAL)), "the test photo lacks its metadata"
    return data


def profile_name(profile):
    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile))).strip()


def same_colours(profile, other):
    """Whether two colour profiles turn the same pixels into the same colours (CIE Lab)."""
    lab = ImageCms.createProfile("LAB")
    results = [
        ImageCms.profileToProfile(
            picture(), ImageCms.ImageCmsProfile(io.BytesIO(one)), lab, outputMode="LAB"
        ).tobytes()
        for one in (profile, other)
    ]
    return results[0] == results[1]


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def add_png_chunks(data, chunks):
    """`data` with `chunks` put just before its IEND."""
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + b"".join(png_chunk(kind, payload) for kind, payload in chunks) + data[iend:]


def photo_bytes(size=(2400, 1600), fmt="JPEG", orientation=None, mode="RGB", **options):
    """A picture of a photo's size that compresses about as a photo does: soft gradients with grain.
    `orientation` adds the EXIF note that turns it, as phones write it."""
    grain = Image.effect_noise(size, 40).convert("L")
    bands = [
        Image.linear_gradient("L").resize(size),
        Image.linear_gradient("L").rotate(90).resize(size),
        grain,
    ]
    image = Image.merge("RGB", bands)
    if mode != "RGB":
        image = image.convert(mode)
    if orientation is not None:
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        options["exif"] = exif.tobytes()
    if fmt == "JPEG":
        options.setdefault("quality", 92)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
