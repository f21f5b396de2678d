"""The cost of a photo form is bounded before anything is decoded (issue 13, item 2).

Five 6300 x 6300 PNGs with transparency (770 kB in all) used to cost about 21 s of CPU and
470 MB per worker. Now the headers are weighed first against a per-photo and a per-form
decode budget, JPEGs decode in reduced size, and what is stored is at most STORED_SIDE.
The time and memory of the worst accepted form are figures: manage.py bench_photos
(BENCHMARKS.md, "Photo forms").
"""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from initiatives import photos
from residents.forms import MultiplePhotoField


def _upload(fmt: str, mode: str, size: tuple[int, int], name: str = "foto") -> SimpleUploadedFile:
    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return SimpleUploadedFile(f"{name}.{fmt.lower()}", out.getvalue(), f"image/{fmt.lower()}")


def _png_header_only(width: int, height: int, mode_byte: int = 6) -> SimpleUploadedFile:
    """A PNG whose header claims WIDTH x HEIGHT and whose pixels are garbage: decoding it
    fails, so a refusal for its size proves that nothing was decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, mode_byte, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"garbage") + b"x" * 64
    return SimpleUploadedFile("kapot.png", data, "image/png")


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list}


def test_the_probe_form_is_refused_on_its_headers():
    uploads = [_png_header_only(6300, 6300) for _ in range(5)]
    with pytest.raises(ValidationError) as refused:
        MultiplePhotoField(required=False).clean(uploads)
    assert _codes(refused.value) == {"too_many_pixels"}
    assert len(refused.value.error_list) == 5  # one message per photo, naming it


def test_a_form_over_the_budget_is_refused_before_anything_is_decoded():
    # Each photo fits the per-photo budget; together they do not. The pixels are garbage,
    # so had any been decoded the answer would have been "not a photo".
    side = 3500  # RGB: 12.25 MP each, three of them 36.75 MP
    uploads = [_png_header_only(side, side, mode_byte=2) for _ in range(3)]
    assert all(photos.photo_cost(u) <= photos.PHOTO_DECODE_BUDGET for u in uploads)
    with pytest.raises(ValidationError) as refused:
        photos.photos_check(uploads)
    assert _codes(refused.value) == {"form_too_many_pixels"}


def test_transparency_weighs_double():
    rgb, rgba = _upload("PNG", "RGB", (100, 80)), _upload("PNG", "RGBA", (100, 80))
    assert photos.photo_cost(rgb) == 8000
    assert photos.photo_cost(rgba) == 16000


def test_a_48_megapixel_phone_photo_decodes_small_and_is_stored_at_the_stored_side():
    upload = _upload("JPEG", "RGB", (8000, 6000))
    # Draft mode decodes at a quarter: 2000 x 1500, not 48 MP.
    assert photos.photo_cost(upload) == 2000 * 1500
    stored = photos.photo_clean(upload)
    assert (stored.width, stored.height) == (2000, 1500)
    with Image.open(stored.file) as image:
        assert image.size == (2000, 1500)


def test_a_large_png_is_stored_at_most_at_the_stored_side():
    stored = photos.photo_clean(_upload("PNG", "RGB", (4000, 3000)))
    assert max(stored.width, stored.height) == photos.STORED_SIDE
    assert (stored.width, stored.height) == (2000, 1500)


def test_the_worst_accepted_form_stays_within_the_budget():
    """The bound itself: whatever the form accepts costs at most FORM_DECODE_BUDGET pixels,
    and one pixel more is refused."""
    assert photos.FORM_DECODE_BUDGET == 2 * 4000 * 4000  # the form below is exactly at it
    uploads = [_upload("PNG", "RGB", (4000, 4000), f"p{i}") for i in range(2)]
    MultiplePhotoField(required=False).clean(uploads)  # accepted
    assert sum(photos.photo_cost(u) for u in uploads) == photos.FORM_DECODE_BUDGET
    one_more = [*uploads, _upload("PNG", "RGB", (1, 1), "extra")]
    with pytest.raises(ValidationError) as refused:
        MultiplePhotoField(required=False).clean(one_more)
    assert _codes(refused.value) == {"form_too_many_pixels"}


def test_one_photo_at_the_budget_is_accepted_and_one_pixel_more_is_refused():
    side = 4096
    assert side * side == photos.PHOTO_DECODE_BUDGET
    photos.photos_check([_upload("PNG", "L", (side, side))])  # accepted
    # One pixel more: a header claiming 1 x (budget + 1), whose pixels are garbage.
    with pytest.raises(ValidationError) as refused:
        photos.photos_check([_png_header_only(1, side * side + 1, mode_byte=0)])
    assert _codes(refused.value) == {"too_many_pixels"}


def _progressive_jpeg(size: tuple[int, int]) -> SimpleUploadedFile:
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", progressive=True, quality=90, subsampling=0)
    return SimpleUploadedFile("progressief.jpg", out.getvalue(), "image/jpeg")


def test_a_progressive_jpeg_is_weighed_at_its_full_size():
    """Draft mode saves a progressive JPEG nothing: libjpeg keeps every coefficient of the
    whole image. Five 8000 x 8000 ones (900 kB each) cost 8.5 s and 383 MB per form while
    they were weighed as baseline JPEGs (4 MP each after draft, 20 MP for the form)."""
    small = _progressive_jpeg((100, 80))
    assert photos.photo_cost(small) == 100 * 80 * 2
    with pytest.raises(ValidationError) as refused:
        photos.photos_check([_progressive_jpeg((8000, 8000))])
    assert _codes(refused.value) == {"too_many_pixels"}


def test_the_service_reuses_what_the_form_decoded():
    upload = _upload("PNG", "RGB", (300, 200))
    MultiplePhotoField(required=False).clean([upload])
    first = photos.photo_clean(upload)
    assert photos.photo_clean(upload) is first  # decoded and encoded once per request


def test_a_damaged_photo_within_the_budget_is_still_refused():
    with pytest.raises(ValidationError) as refused:
        photos.photos_check([_png_header_only(100, 100)])
    assert _codes(refused.value) == {"bad_type"}
