import pytest


@pytest.fixture
def world(db):
    from tests.opendata.world import build_world

    return build_world()
