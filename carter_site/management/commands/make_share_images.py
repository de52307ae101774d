"""Draw the site's default link-preview picture and its logo into static/img/.

    python manage.py make_share_images

static/img/share-default.png (1200×630) is what Open Graph and Twitter cards show for pages
without a picture of their own; static/img/logo.png (512×512) is the organisation's logo in
the JSON-LD. Both are committed; run this again only to change them (or replace the files
with designed ones of the same size and name).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

from carter_site.seo import DEFAULT_SHARE_IMAGE, LOGO_IMAGE

BRAND = (31, 78, 90)  # --brand in static/css/site.css
BRAND_DARK = (22, 58, 67)
SOFT = (238, 243, 242)
ACCENT = (138, 59, 18)
COLOURS = 32  # a small palette keeps the PNGs small


def _font(size):
    return ImageFont.load_default(size=size)


def _save(image, path):
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def share_image(width, height):
    image = Image.new("RGB", (width, height), BRAND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height - 150, width, height], fill=BRAND_DARK)
    draw.rectangle([80, 150, 200, 162], fill=ACCENT)
    draw.text((80, 190), "The Carter", font=_font(96), fill="white")
    draw.text((80, 300), "Treatment Center", font=_font(96), fill="white")
    draw.text(
        (80, height - 105),
        "Intensive outpatient treatment · Alpharetta · Jefferson · Atlanta",
        font=_font(34),
        fill=SOFT,
    )
    return image


def logo(width, height):
    image = Image.new("RGB", (width, height), BRAND)
    draw = ImageDraw.Draw(image)
    draw.ellipse([56, 56, width - 56, height - 56], outline="white", width=18)
    draw.text((width / 2, height / 2 - 20), "C", font=_font(260), fill="white", anchor="mm")
    draw.rectangle([width / 2 - 60, height / 2 + 110, width / 2 + 60, height / 2 + 122], fill=SOFT)
    return image


class Command(BaseCommand):
    help = "Draw static/img/share-default.png and static/img/logo.png."

    def handle(self, *args, **options):
        folder = Path(settings.BASE_DIR) / "static"
        for (name, width, height), draw in ((DEFAULT_SHARE_IMAGE, share_image), (LOGO_IMAGE, logo)):
            path = folder / name
            _save(draw(width, height), path)
            self.stdout.write(
                f"Wrote {path.relative_to(settings.BASE_DIR)} ({path.stat().st_size // 1024} KB)"
            )
