"""The shared dreams as stable downloads (issue 19): /open-data/downloads/dromen.csv and
dromen.json, the same fields in the same order as the API's dreams (opendata/dream_fields.py),
all shared dreams in one file, newest handed in first.

The files are written by download_files.py, by the same rules as the figures': CSV with a
byte-order mark and formula-safe text, JSON as the envelope {"dataset": "dromen", "licence",
"fields", "rows"}.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from initiatives import selectors
from opendata.conditional import open_data_cached
from opendata.datasets import DREAMS
from opendata.download_files import csv_download, json_download
from opendata.dream_fields import dream_row, status_texts
from opendata.rate_limit import open_data_rate_limited


def _rows():
    texts = status_texts()
    # chunk_size: the rows come in batches, never all of them in memory at once as objects.
    for dream in selectors.open_dreams(photos=False).iterator(chunk_size=2000):
        yield dream_row(dream, texts)


@require_GET
@open_data_rate_limited
@open_data_cached
def dreams_csv(request: HttpRequest) -> HttpResponse:
    return csv_download(DREAMS, _rows())


@require_GET
@open_data_rate_limited
@open_data_cached
def dreams_json(request: HttpRequest) -> HttpResponse:
    return json_download(DREAMS, _rows())
