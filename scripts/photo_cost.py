"""What the worst photo form we accept costs: CPU seconds and peak memory, per form.

    .venv/bin/python scripts/photo_cost.py

Each case runs in a fresh Python process (peak memory is the process's own high-water mark,
minus what the process held before the photos) and goes the way a resident's form goes: the
form field checks every photo, then the dream's service re-encodes them for storage.
Prints one line per case, as a figure, not as a pass or fail.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

# (name, format, mode, width, height, count)
CASES = [
    ("issue 13: five 6300x6300 RGBA PNGs", "PNG", "RGBA", 6300, 6300, 5),
    ("five 12 MP phone photos (JPEG 4000x3000)", "JPEG", "RGB", 4000, 3000, 5),
    ("five 48 MP phone photos (JPEG 8000x6000)", "JPEG", "RGB", 8000, 6000, 5),
    ("one 4096x4096 RGBA PNG", "PNG", "RGBA", 4096, 4096, 1),
    ("worst accepted: two 4000x4000 RGB PNGs", "PNG", "RGB", 4000, 4000, 2),
    ("worst accepted: five 1780x1780 RGBA PNGs", "PNG", "RGBA", 1780, 1780, 5),
    ("three 4000x4000 RGB PNGs (over the form budget)", "PNG", "RGB", 4000, 4000, 3),
]

CHILD = r"""
import json, os, resource, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from initiatives import photos
from residents.forms import MultiplePhotoField

fmt, count, path = json.loads(sys.argv[1])
data = open(path, "rb").read()
uploads = [
    SimpleUploadedFile(f"p{i}.{fmt.lower()}", data, f"image/{fmt.lower()}") for i in range(count)
]
# Measure in a forked process: Linux starts its high-water mark at the memory it holds now,
# so the peak counts the form's work only, not Django's start-up.
if os.fork():
    os.wait()
    sys.exit(0)
before = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
try:
    MultiplePhotoField(required=False).clean(uploads)
    stored = [photos.photo_clean(u) for u in uploads]
    outcome = f"accepted, stored {stored[0].width}x{stored[0].height}"
except ValidationError as error:
    outcome = "refused: " + "; ".join(error.messages)[:90]
wall = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "bytes": len(data) * count,
    "wall": wall,
    "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    "peak_mb": (after.ru_maxrss - before.ru_maxrss) / 1024,
    "outcome": outcome,
}), flush=True)
os._exit(0)
"""


def main() -> None:
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "photo-cost")}
    print(f"{'case':48} {'upload':>9} {'wall s':>7} {'cpu s':>6} {'+peak MB':>9}  outcome")
    for name, fmt, mode, width, height, count in CASES:
        # Made here, so the measuring process's high-water mark holds only the form's work.
        # A smooth gradient compresses the way a flat-colour attack does: a small file,
        # many pixels.
        image = Image.linear_gradient("L").resize((width, height)).convert(mode)
        with tempfile.NamedTemporaryFile(suffix="." + fmt.lower()) as file:
            image.save(file, format=fmt)
            file.flush()
            del image
            args = json.dumps([fmt, count, file.name])
            done = subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, "-c", CHILD, args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{name:48} {row['bytes'] / 1024:>7.0f}kB {row['wall']:>7.2f} {row['cpu']:>6.2f}"
            f" {row['peak_mb']:>9.0f}  {row['outcome']}"
        )


if __name__ == "__main__":
    main()
