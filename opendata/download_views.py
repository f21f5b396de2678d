"""The figures as CSV and JSON downloads (issue 19): one explicit address per dataset and
format (figure_urls.py), the same rows and column names as the API (figure_rows.py), cached
per open-data version with ETag and Last-Modified, no cookie set or read.

The files are written by download_files.py, as the dreams' are: CSV with a byte-order mark
and formula-safe text, JSON as an envelope with the dataset's name, its licence, the
threshold for small counts (here), the field names in order and the rows.
"""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from opendata import datasets, figure_rows
from opendata.conditional import open_data_cached
from opendata.download_files import csv_download, json_download
from opendata.rate_limit import open_data_rate_limited


def csv_answer(dataset: datasets.Dataset, rows: list[dict]) -> HttpResponse:
    return csv_download(dataset, rows)


def json_answer(dataset: datasets.Dataset, rows: list[dict]) -> HttpResponse:
    return json_download(dataset, rows, min_count=settings.OPEN_DATA_MIN_COUNT)


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
