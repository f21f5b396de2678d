"""The open data's download files, CSV and JSON, written by one set of rules for every
dataset: the figures (download_views.py) and the shared dreams (dream_downloads.py).

CSV: UTF-8 with a byte-order mark (without it Dutch Excel reads "Café" as "CafÃ©"),
comma-separated, CRLF line ends, a header row with the field names; null is an empty cell,
a flag is "true" or "false", a day is YYYY-MM-DD, and a text cell that starts with = + - @
gets a leading ' so that a spreadsheet does not run it as a formula (staff and residents type
those texts; the rule is the staff exports' csv_safe).

JSON: one envelope for every dataset, {"dataset", "licence", "fields", "rows"} (and what a
dataset adds, such as the figures' "min_count"); the rows have exactly the fields, in order.

Both are attachments named by Django's content_disposition_header (it quotes and encodes).
"""

import csv
import io
import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from initiatives.services.exports import csv_safe
from opendata.datasets import Dataset

LICENCE = "CC0-1.0"
BYTE_ORDER_MARK = "\ufeff"


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return csv_safe(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _attachment(content: str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def csv_download(dataset: Dataset, rows: Iterable[dict]) -> HttpResponse:
    """DATASET's ROWS (dicts with its fields) as <file_name>.csv."""
    names = [item.name for item in dataset.fields]
    out = io.StringIO(newline="")
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_cell(row[name]) for name in names])
    return _attachment(
        out.getvalue(), content_type="text/csv; charset=utf-8", filename=f"{dataset.file_name}.csv"
    )


def json_download(dataset: Dataset, rows: Iterable[dict], **about) -> HttpResponse:
    """DATASET's ROWS as <file_name>.json in the envelope; ABOUT adds keys after the licence
    (the figures' min_count)."""
    names = [item.name for item in dataset.fields]
    body = {
        "dataset": dataset.file_name,
        "licence": LICENCE,
        **about,
        "fields": names,
        "rows": [{name: row[name] for name in names} for row in rows],
    }
    return _attachment(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json",
        filename=f"{dataset.file_name}.json",
    )
