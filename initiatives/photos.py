"""Check and clean photos that residents upload."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps

# Pillow format name -> (content type, file extension)
ACCEPTED_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
# Refuse decompression bombs well before Pillow's own (warning-only) limit.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CleanPhoto:
    file: ContentFile
    content_type: str
    width: int
    height: int


def photo_check(upload: UploadedFile) -> None:
    """Raise ValidationError unless UPLOAD is a JPEG or PNG image within the size limit.

    The type is read from the content, never from the name or the browser's claim, and
    every pixel is decoded here as photo_clean() will: a damaged or truncated file, or one
    that is not what its header says, is refused now instead of failing when it is stored.
    """
    name = upload.name or _("the file")
    if upload.size is not None and upload.size > settings.DREAM_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(max)s MB. Choose a smaller photo."),
            params={"name": name, "max": settings.DREAM_PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    # Importing WeasyPrint (the weekly report's PDF) makes Pillow fill in truncated images,
    # for the whole process; a photo must be whole, so insist on it again. Our PDFs hold no
    # raster images, so WeasyPrint loses nothing by it.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    too_many_pixels = False
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()  # the file's own checksums
        too_many_pixels = width * height > MAX_PIXELS
        if image_format in ACCEPTED_FORMATS and not too_many_pixels:
            upload.seek(0)
            _decode(upload)
    except Image.DecompressionBombError:  # a header claiming far more pixels than we take
        image_format, too_many_pixels = None, True
    except Exception:  # whatever Pillow raises on a broken file: it is not a photo
        image_format = None
    finally:
        upload.seek(0)
    if too_many_pixels:
        raise ValidationError(
            _("“%(name)s” has too many pixels. Choose a smaller photo."),
            params={"name": name},
            code="too_many_pixels",
        )
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("“%(name)s” is not a JPEG or PNG photo."), params={"name": name}, code="bad_type"
        )


def _decode(upload: UploadedFile) -> tuple[str, Image.Image]:
    """Return UPLOAD's format and its pixels, upright, in a fresh image without metadata."""
    with Image.open(upload) as image:
        image_format = image.format
        # Apply the camera's rotation before the metadata that holds it is dropped.
        image = ImageOps.exif_transpose(image)
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        # A fresh image holds pixels only: nothing of the original's metadata comes along.
        fresh = Image.new(image.mode, image.size)
        fresh.paste(image)
    return image_format, fresh


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """Return UPLOAD re-encoded, without EXIF or other metadata (such as GPS position)."""
    photo_check(upload)
    image_format, fresh = _decode(upload)
    content_type, extension = ACCEPTED_FORMATS[image_format]
    out = io.BytesIO()
    if image_format == "JPEG":
        fresh.save(out, format="JPEG", quality=85, optimize=True)
    else:
        fresh.save(out, format="PNG", optimize=True)
    upload.seek(0)
    return CleanPhoto(
        file=ContentFile(out.getvalue(), name=f"photo{extension}"),
        content_type=content_type,
        width=fresh.width,
        height=fresh.height,
    )
