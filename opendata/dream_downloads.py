"""The shared dreams as stable downloads (issue 19): /open-data/downloads/dromen.csv and
dromen.json, the same fields in the same order as the API's dreams (opendata/dream_fields.py),
all shared dreams in one file, newest handed in first.

CSV: UTF-8 with a byte-order mark (without it Dutch Excel reads "Café" as "CafÃ©"), comma
separated, a header row, an empty cell for a value that is null, and a text cell that starts
with = + - @ gets a leading ' so that a spreadsheet does not run it as a formula (as the staff
exports do). JSON: a list of objects.
"""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from initiatives import selectors
from initiatives.services.exports import csv_safe
from opendata.conditional import open_data_cached
from opendata.dream_fields import DREAM_FIELDS, dream_row, status_texts
from opendata.rate_limit import open_data_rate_limited


def _rows():
    texts = status_texts()
    # chunk_size: the rows come in batches, never all of them in memory at once as objects.
    for dream in selectors.open_dreams(photos=False).iterator(chunk_size=2000):
        yield dream_row(dream, texts)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_safe(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@require_GET
@open_data_rate_limited
@open_data_cached
def dreams_csv(request: HttpRequest) -> HttpResponse:
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(DREAM_FIELDS)
    for row in _rows():
        writer.writerow([_cell(row[field]) for field in DREAM_FIELDS])
    return _download(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", "dromen.csv")


@require_GET
@open_data_rate_limited
@open_data_cached
def dreams_json(request: HttpRequest) -> HttpResponse:
    content = json.dumps(list(_rows()), cls=DjangoJSONEncoder, ensure_ascii=False)
    return _download(content.encode("utf-8"), "application/json", "dromen.json")
