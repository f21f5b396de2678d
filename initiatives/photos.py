"""Check and clean photos that residents upload."""

import io
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps

# Pillow format name -> (content type, file extension)
ACCEPTED_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
# What a photo may claim in its header. JPEGs decode at 1/2, 1/4 or 1/8 of their size when we
# ask for less (Pillow's draft mode), so a 48 MP phone photo costs what a 3 MP one does; a PNG
# always decodes whole, so its limit is the decode budget itself.
MAX_CLAIMED_PIXELS = 64_000_000
# What decoding may cost, in pixels after any reduction; a pixel with transparency or 16 bits
# per channel, or in a progressive JPEG, weighs double. One photo, and one form's photos
# together: five photos of 4096 x 4096 with transparency cost 21 s of CPU and 470 MB per
# worker before this budget.
PHOTO_DECODE_BUDGET = 4096 * 4096
FORM_DECODE_BUDGET = 32_000_000
# The longest side we store: enough for a screen, and cheap to encode.
STORED_SIDE = 2000
_HEAVY_MODES = {"RGBA", "LA", "PA", "I", "I;16", "I;16B", "I;16L", "F", "CMYK"}


@dataclass(frozen=True)
class CleanPhoto:
    file: ContentFile
    content_type: str
    width: int
    height: int


# Each upload is decoded once per request: the form's check keeps its result for the service.
_cleaned: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reduced_size(width: int, height: int) -> tuple[int, int]:
    """The box a photo of WIDTH x HEIGHT is stored in: STORED_SIDE on its longest side."""
    scale = min(1.0, STORED_SIDE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode_cost(image: Image.Image) -> int:
    """The pixels decoding IMAGE will cost, weighted, after draft mode where the format has it."""
    width, height = image.size
    # A progressive JPEG holds every DCT coefficient of the whole image (2 bytes per sample)
    # until its last scan, whatever size we ask for: draft mode saves it nothing, so it is
    # weighed at its full size and double. Five 8000 x 8000 ones (900 kB each) cost 8.5 s and
    # 383 MB while they were weighed as baseline JPEGs.
    progressive = image.format == "JPEG" and bool(image.info.get("progressive"))
    if image.format == "JPEG" and not progressive:
        # JPEG's decoder can scale by 1/2, 1/4 or 1/8 while it decodes (libjpeg's DCT scaling).
        box = _reduced_size(width, height)
        factor = min(width // box[0], height // box[1])
        scale = next(s for s in (8, 4, 2, 1) if s <= max(factor, 1))
        width, height = -(-width // scale), -(-height // scale)
    weight = 2 if progressive or image.mode in _HEAVY_MODES else 1
    return width * height * weight


def _name(upload: UploadedFile) -> str:
    return upload.name or _("the file")


def photo_cost(upload: UploadedFile) -> int:
    """Read UPLOAD's header only and return what decoding it will cost (see _decode_cost).

    Raises ValidationError for a file that is too large, not a JPEG or PNG, or claims more
    pixels than we take. Nothing is decoded here, so refusing costs next to nothing.
    """
    name = _name(upload)
    if upload.size is not None and upload.size > settings.DREAM_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(max)s MB. Choose a smaller photo."),
            params={"name": name, "max": settings.DREAM_PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    too_many_pixels = False
    image_format, cost = None, 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            cost = _decode_cost(image)
        too_many_pixels = width * height > MAX_CLAIMED_PIXELS or cost > PHOTO_DECODE_BUDGET
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
    return cost


def photos_check(uploads: Sequence[UploadedFile]) -> None:
    """Raise ValidationError unless every upload is a whole JPEG or PNG photo, and the photos
    together stay within one form's decode budget.

    The type is read from the content, never from the name or the browser's claim. The
    headers are weighed first, so a form over budget is refused before anything is decoded;
    then every photo is decoded and re-encoded as it will be stored, so a damaged or truncated
    file is refused now instead of failing when it is stored.
    """
    errors, total = [], 0
    for upload in uploads:
        try:
            total += photo_cost(upload)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    if total > FORM_DECODE_BUDGET:
        raise ValidationError(
            _("Together these photos are too large. Choose fewer or smaller photos."),
            code="form_too_many_pixels",
        )
    for upload in uploads:
        if upload in _cleaned:
            continue
        try:
            _cleaned[upload] = _encode(upload)
        except Exception:  # whatever Pillow raises on a broken file: it is not a photo
            errors.append(
                ValidationError(
                    _("“%(name)s” is not a JPEG or PNG photo."),
                    params={"name": _name(upload)},
                    code="bad_type",
                )
            )
        finally:
            upload.seek(0)
    if errors:
        raise ValidationError(errors)


def photo_check(upload: UploadedFile) -> None:
    """photos_check() for one photo."""
    photos_check([upload])


def _encode(upload: UploadedFile) -> CleanPhoto:
    """UPLOAD's pixels, upright, at most STORED_SIDE, re-encoded without any metadata."""
    # Importing WeasyPrint (the weekly report's PDF) makes Pillow fill in truncated images,
    # for the whole process; a photo must be whole, so insist on it again. Our PDFs hold no
    # raster images, so WeasyPrint loses nothing by it.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    upload.seek(0)
    with Image.open(upload) as image:
        image.verify()  # the file's own checksums
    upload.seek(0)
    with Image.open(upload) as image:
        image_format = image.format
        if image_format == "JPEG":
            image.draft("RGB", _reduced_size(*image.size))
        image.load()
        # Apply the camera's rotation before the metadata that holds it is dropped.
        image = ImageOps.exif_transpose(image)
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail(_reduced_size(*image.size))
        # A fresh image holds pixels only: nothing of the original's metadata comes along.
        fresh = Image.new(image.mode, image.size)
        fresh.paste(image)
    content_type, extension = ACCEPTED_FORMATS[image_format]
    out = io.BytesIO()
    if image_format == "JPEG":
        fresh.save(out, format="JPEG", quality=85, optimize=True)
    else:
        fresh.save(out, format="PNG")
    return CleanPhoto(
        file=ContentFile(out.getvalue(), name=f"photo{extension}"),
        content_type=content_type,
        width=fresh.width,
        height=fresh.height,
    )


def photos_clean(uploads: Sequence[UploadedFile]) -> list[CleanPhoto]:
    """Return UPLOADS re-encoded for storage, without EXIF or other metadata (such as GPS
    position), after photos_check(); what the form already checked is not decoded again."""
    photos_check(uploads)
    return [_cleaned[upload] for upload in uploads]


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """photos_clean() for one photo."""
    return photos_clean([upload])[0]
