"""What the worst photo form the portal still accepts costs: wall time and peak memory.

    .venv/bin/python manage.py bench_photos [--repeat 3]

A figure, not a pass or fail (README, Benchmark; BENCHMARKS.md, "Photo forms"). The worst
forms are built from the limits themselves (initiatives/photos.py: the per-photo and per-form
decode budgets, the weights, JPEG's draft mode; settings: at most DREAM_PHOTO_MAX_COUNT photos
of DREAM_PHOTO_MAX_BYTES), so they follow when a limit changes. Each measurement goes the way a
resident's form goes: the form's photo field checks every photo (headers weighed, then each
decoded and re-encoded as it will be stored), then the dream's service takes the stored
photos. Trivial forms are measured in the same run, as the baseline.

Every measurement runs in a fresh process, forked once Django is loaded: Linux starts a
forked process's high-water mark at what it holds at the fork, so "peak RSS" is the form's
own work. tracemalloc's peak is the Python heap only (the uploads, the encoded results):
Pillow's pixel buffers are allocated outside it, which is why RSS is the figure to read.
"""

import io
import json
import math
import os
import resource
import statistics
import struct
import subprocess  # nosec B404 - runs this command again, with our own interpreter
import sys
import tempfile
import time
import tracemalloc
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


@dataclass(frozen=True)
class Case:
    name: str
    fmt: str  # "PNG", "PNG16" (16 bits per channel, written by hand), "JPEG", "none"
    mode: str
    width: int
    height: int
    count: int
    progressive: bool = False
    baseline: bool = False


def _side(weight: int, count: int) -> int:
    """The longest square side COUNT photos of WEIGHT may each have within both budgets."""
    from initiatives import photos

    per_photo = min(photos.PHOTO_DECODE_BUDGET, photos.FORM_DECODE_BUDGET // count)
    return math.isqrt(per_photo // weight)


def cases() -> list[Case]:
    from initiatives import photos

    most = settings.DREAM_PHOTO_MAX_COUNT
    # The largest JPEG side draft mode cannot reduce: below twice the stored side.
    jpeg_whole = min(2 * photos.STORED_SIDE - 1, _side(1, 2))
    # The largest square JPEG a header may claim; draft mode decodes it at 1/4 or 1/8.
    jpeg_claimed = math.isqrt(photos.MAX_CLAIMED_PIXELS)
    rgb2, rgb_most = _side(1, 2), _side(1, most)
    rgba2, rgba_most = _side(2, 2), _side(2, most)
    return [
        Case("baseline: no photos", "none", "RGB", 0, 0, 0, baseline=True),
        Case("baseline: one 640x480 JPEG", "JPEG", "RGB", 640, 480, 1, baseline=True),
        Case(f"2 PNG RGB {rgb2}x{rgb2}", "PNG", "RGB", rgb2, rgb2, 2),
        Case(f"{most} PNG RGB {rgb_most}x{rgb_most}", "PNG", "RGB", rgb_most, rgb_most, most),
        Case(f"2 PNG RGBA {rgba2}x{rgba2}", "PNG", "RGBA", rgba2, rgba2, 2),
        Case(f"{most} PNG RGBA {rgba_most}x{rgba_most}", "PNG", "RGBA", rgba_most, rgba_most, most),
        Case(f"2 PNG 16-bit RGB {rgb2}x{rgb2}", "PNG16", "RGB", rgb2, rgb2, 2),
        Case(
            f"2 JPEG {jpeg_whole}x{jpeg_whole} (no draft)", "JPEG", "RGB", jpeg_whole, jpeg_whole, 2
        ),
        Case(
            f"{most} JPEG {jpeg_claimed}x{jpeg_claimed} (draft 1/4)",
            "JPEG",
            "RGB",
            jpeg_claimed,
            jpeg_claimed,
            most,
        ),
        Case(f"2 progressive JPEG {rgba2}x{rgba2}", "JPEG", "RGB", rgba2, rgba2, 2, True),
        # Over the bound, to show that refusing costs next to nothing.
        Case(f"2 PNG RGB {rgb2}x{rgb2} + 1x1 (over)", "PNG", "RGB", rgb2, rgb2, 2),
        Case(
            f"{most} progressive JPEG {jpeg_claimed}x{jpeg_claimed} (over)",
            "JPEG",
            "RGB",
            jpeg_claimed,
            jpeg_claimed,
            most,
            True,
        ),
    ]


def _png16(width: int, height: int) -> bytes:
    """A 16-bit-per-channel RGB PNG (Pillow writes none): a repeating ramp, small on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row_bytes = width * 3 * 2
    row = b"\x00" + (bytes(range(256)) * (row_bytes // 256 + 1))[:row_bytes]
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _file(case: Case) -> bytes:
    from PIL import Image

    if case.fmt == "none":
        return b""
    if case.fmt == "PNG16":
        return _png16(case.width, case.height)
    # A smooth gradient compresses the way a flat-colour attack does: small file, many pixels.
    image = Image.linear_gradient("L").resize((case.width, case.height)).convert(case.mode)
    out = io.BytesIO()
    if case.fmt == "JPEG":
        # 4:4:4 and progressive: what costs libjpeg most for its size.
        image.save(out, format="JPEG", quality=90, subsampling=0, progressive=case.progressive)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def _cost(upload) -> int:
    """What the budget counts for UPLOAD, also when it refuses the photo on its own."""
    from django.core.exceptions import ValidationError
    from PIL import Image

    from initiatives import photos

    try:
        return photos.photo_cost(upload)
    except ValidationError:
        with Image.open(upload) as image:
            return photos._decode_cost(image)
    finally:
        upload.seek(0)


def _measure(spec: dict) -> dict:
    """In the child: fork, then run the form's photo field and the service's photos_clean."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from initiatives import photos
    from residents.forms import MultiplePhotoField

    data = Path(spec["path"]).read_bytes() if spec["count"] else b""
    extension = "jpg" if spec["fmt"] == "JPEG" else "png"
    uploads = [
        SimpleUploadedFile(f"p{i}.{extension}", data, f"image/{extension}")
        for i in range(spec["count"])
    ]
    if spec["extra_pixel"]:
        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (1, 1)).save(out, format="PNG")
        uploads.append(SimpleUploadedFile("extra.png", out.getvalue(), "image/png"))
    cost = sum(_cost(u) for u in uploads)
    read_fd, write_fd = os.pipe()
    child = os.fork()
    if child:
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            result = json.loads(pipe.read())
        os.waitpid(child, 0)
        return {**result, "cost": cost, "bytes": sum(u.size for u in uploads)}
    os.close(read_fd)
    tracemalloc.start()
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    try:
        MultiplePhotoField(required=False).clean(uploads)
        stored = photos.photos_clean(uploads) if uploads else []
        outcome = "accepted" + (f", stored {stored[0].width}x{stored[0].height}" if stored else "")
    except ValidationError as error:
        outcome = "refused: " + ", ".join(sorted({e.code for e in error.error_list}))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    heap_peak = tracemalloc.get_traced_memory()[1]
    result = {
        "wall": wall,
        "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "rss_mb": (after.ru_maxrss - before.ru_maxrss) / 1024,
        "heap_mb": heap_peak / 2**20,
        "outcome": outcome,
    }
    with os.fdopen(write_fd, "w") as pipe:
        pipe.write(json.dumps(result))
    os._exit(0)


class Command(BaseCommand):
    help = "Wall time and peak memory of the worst photo forms the checks still accept."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3, help="Fresh processes per case.")
        parser.add_argument("--measure", help=__import__("argparse").SUPPRESS)

    def handle(self, *args, **options):
        if options["measure"]:
            self.stdout.write(json.dumps(_measure(json.loads(options["measure"]))))
            return
        from initiatives import photos

        load = os.getloadavg()
        self.stdout.write(
            f"Photo forms: decode budget {photos.PHOTO_DECODE_BUDGET:,} px per photo,"
            f" {photos.FORM_DECODE_BUDGET:,} px per form, at most"
            f" {settings.DREAM_PHOTO_MAX_COUNT} photos of"
            f" {settings.DREAM_PHOTO_MAX_BYTES // 2**20} MB; {os.cpu_count()} cores,"
            f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f};"
            f" median wall and CPU, highest peaks, of {options['repeat']} fresh processes."
        )
        self.stdout.write("")
        self.stdout.write(
            "| form | upload | cost (px) | wall s | CPU s | peak RSS MB | Python heap MB | outcome |"
        )
        self.stdout.write("|---|---|---|---|---|---|---|---|")
        manage = Path(settings.BASE_DIR) / "manage.py"
        with tempfile.TemporaryDirectory() as folder:
            for case in cases():
                path = Path(folder) / "photo"
                path.write_bytes(_file(case))
                spec = {
                    "fmt": "JPEG" if case.fmt == "JPEG" else "PNG",
                    "count": case.count,
                    "path": str(path),
                    "extra_pixel": case.name.endswith("+ 1x1 (over)"),
                }
                rows = []
                for _ in range(options["repeat"]):
                    done = subprocess.run(  # noqa: S603 # nosec B603 - this command, our interpreter
                        [
                            sys.executable,
                            str(manage),
                            "bench_photos",
                            "--measure",
                            json.dumps(spec),
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                first = rows[0]
                self.stdout.write(
                    f"| {case.name} | {first['bytes'] / 1024:,.0f} kB | {first['cost']:,}"
                    f" | {statistics.median(r['wall'] for r in rows):.2f}"
                    f" | {statistics.median(r['cpu'] for r in rows):.2f}"
                    f" | {max(r['rss_mb'] for r in rows):.0f}"
                    f" | {max(r['heap_mb'] for r in rows):.1f} | {first['outcome']} |"
                )
