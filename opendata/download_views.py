"""The figures as CSV and JSON downloads (issue 19): one explicit address per dataset and
format (figure_urls.py), the same rows and column names as the API (figure_rows.py), cached
per open-data version with ETag and Last-Modified, no cookie set or read.

CSV: UTF-8, comma-separated, a header row with the field names; null is an empty cell and
a flag is "true" or "false". JSON: an object with the dataset's name, its licence, the
threshold for small counts, the field names in order and the rows.
"""

import csv
import io
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from opendata import datasets, figure_rows
from opendata.conditional import open_data_cached
from opendata.rate_limit import open_data_rate_limited

LICENCE = "CC0-1.0"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_answer(dataset: datasets.Dataset, rows: list[dict]) -> HttpResponse:
    names = [item.name for item in dataset.fields]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_cell(row[name]) for name in names] for row in rows)
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.file_name}.csv"'
    return response


def json_answer(dataset: datasets.Dataset, rows: list[dict]) -> HttpResponse:
    names = [item.name for item in dataset.fields]
    body = {
        "dataset": dataset.file_name,
        "licence": LICENCE,
        "min_count": settings.OPEN_DATA_MIN_COUNT,
        "fields": names,
        "rows": [{name: row[name] for name in names} for row in rows],
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{dataset.file_name}.json"'
    return response


def _download(dataset: datasets.Dataset, rows, answer):
    """A view answering DATASET's ROWS() in ANSWER's format."""

    @require_safe
    @open_data_rate_limited
    @open_data_cached
    def view(request):
        return answer(dataset, rows())

    return view


weeks_csv = _download(datasets.WEEKS, figure_rows.all_week_rows, csv_answer)
weeks_json = _download(datasets.WEEKS, figure_rows.all_week_rows, json_answer)
promises_csv = _download(datasets.PROMISES, figure_rows.all_promise_rows, csv_answer)
promises_json = _download(datasets.PROMISES, figure_rows.all_promise_rows, json_answer)
silence_csv = _download(datasets.SILENCE, figure_rows.all_silence_rows, csv_answer)
silence_json = _download(datasets.SILENCE, figure_rows.all_silence_rows, json_answer)
money_csv = _download(datasets.MONEY, figure_rows.money_rows, csv_answer)
money_json = _download(datasets.MONEY, figure_rows.money_rows, json_answer)
contributions_csv = _download(datasets.CONTRIBUTIONS, figure_rows.contribution_rows, csv_answer)
contributions_json = _download(datasets.CONTRIBUTIONS, figure_rows.contribution_rows, json_answer)
