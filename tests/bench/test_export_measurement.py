"""The benchmark's export step measures the export staff use: asked for with the list's
button, the file made by services.export_build, downloaded whole with its length."""

import pytest
from django.db import connection

from bench.pages import BENCH_URLCONF, measure_export, subjects
from initiatives.models import DreamExport
from tests.bench.test_seed import _seed


@pytest.fixture
def postgresql(transactional_db):  # the file is made after the request's commit
    if connection.vendor != "postgresql":
        pytest.skip("bench_seed writes with PostgreSQL's COPY")


def test_the_export_step_makes_and_downloads_every_listed_dream(postgresql, settings):
    _seed()
    settings.ROOT_URLCONF = BENCH_URLCONF
    result = measure_export(subjects(), repeat=1)
    assert not result.error, result.error
    assert result.extra["rows"] == result.extra["listed"] > 0
    assert not DreamExport.objects.exists()  # each measured export is removed again
