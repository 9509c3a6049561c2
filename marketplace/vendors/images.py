"""A cooperative's logo and cover image, and product photos: what an upload really is (by its content, not its name),
turned into clean WebP files of a few widths, and where they are kept (random names under
UPLOAD_FOLDER/images, outside static/).

Nothing of the upload survives but its pixels: EXIF (with any GPS position), XMP, comments and
colour profiles are dropped once the pixels are turned the right way up and into sRGB.
"""
from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

MAX_IMAGE_BYTES = 8 * 1024 * 1024
# 40 megapixels: any phone photo, far from what a few kilobytes of PNG can claim to hold.
MAX_PIXELS = 40_000_000
# Pillow refuses outright to open an image of more than twice this (DecompressionBombError).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
CONTENT_TYPE = "image/webp"
WEBP_QUALITY = 82

LOGO = "logo"
COVER = "cover"
PRODUCT = "product"
# The widths each kind is kept at: an image is scaled down to fit a square of that side, never up.
WIDTHS = {LOGO: (160, 320), COVER: (800, 1600), PRODUCT: (320, 800, 1600)}

# Reasons an upload is refused
NOT_AN_IMAGE = "not_an_image"
TOO_MANY_BYTES = "too_many_bytes"
TOO_MANY_PIXELS = "too_many_pixels"

_SRGB = ImageCms.createProfile("sRGB")
_FILE_NAME = re.compile(r"([0-9a-f]{32})-([0-9]{2,4})\.webp")


class ImageRefused(Exception):
    """The upload is not an image we take; `reason` is one of the reasons above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Rendition:
    width: int  # the nominal width it is named after (one of WIDTHS)
    size: tuple[int, int]  # its real width and height in pixels (never more than the original's)
    data: bytes  # the WebP file


def renditions(kind: str, data: bytes) -> list[Rendition]:
    """The upload re-encoded as WebP at each width of its kind, or ImageRefused."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(TOO_MANY_BYTES)
    image = _decoded(data, max(WIDTHS[kind]))
    return [_rendition(image, width) for width in WIDTHS[kind]]


def _decoded(data: bytes, largest: int) -> Image.Image:
    """The pixels, upright, in sRGB, with nothing else of the file."""
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused(TOO_MANY_PIXELS)
            image.draft(None, (largest, largest))  # JPEG: decode at a reduced scale when it can
            image.load()
            return _clean(_in_srgb(ImageOps.exif_transpose(image)))
    except ImageRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRefused(TOO_MANY_PIXELS) from exc
    except Exception as exc:  # noqa: BLE001  a crafted file may break a decoder in any way: it is no image
        raise ImageRefused(NOT_AN_IMAGE) from exc


def _in_srgb(image: Image.Image) -> Image.Image:
    """Colours of a photo with a profile (Display P3, Adobe RGB) kept once the profile is gone."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError):
        return image  # a broken profile: the pixels as they are


def _clean(image: Image.Image) -> Image.Image:
    """A fresh RGB or RGBA image of the same pixels, carrying no metadata."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    clean = image.convert("RGBA" if has_alpha else "RGB")
    clean.info = {}
    return clean


def _rendition(image: Image.Image, width: int) -> Rendition:
    scaled = image.copy()
    scaled.thumbnail((width, width), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    scaled.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, exif=b"", icc_profile=None)
    return Rendition(width=width, size=scaled.size, data=buffer.getvalue())


# Storage: a stored name is 32 random hex digits; its files are <stored name>-<width>.webp.

def new_stored_name() -> str:
    return secrets.token_hex(16)


def file_name(stored_name: str, width: int) -> str:
    return f"{stored_name}-{width}.webp"


def parse_file_name(name: str) -> tuple[str, int] | None:
    """(stored name, width) of a file name we could have made; None for anything else."""
    match = _FILE_NAME.fullmatch(name)
    return (match.group(1), int(match.group(2))) if match else None


def folder_of(upload_folder: str) -> Path:
    return Path(upload_folder) / "images"


def save(upload_folder: str, stored_name: str, files: list[Rendition]) -> None:
    folder = folder_of(upload_folder)
    folder.mkdir(parents=True, exist_ok=True)
    for rendition in files:
        (folder / file_name(stored_name, rendition.width)).write_bytes(rendition.data)


def remove(upload_folder: str, kind: str, stored_name: str) -> None:
    for width in WIDTHS[kind]:
        (folder_of(upload_folder) / file_name(stored_name, width)).unlink(missing_ok=True)
