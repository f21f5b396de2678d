import io
import os

import pytest
from PIL import Image

# The ordinary suite runs Celery tasks in-process; delivery tests start a real worker.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Keep uploaded photos and mailbox files of a test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILBOX_DIR = tmp_path / "mailbox"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _celery_in_process():
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture
def neighbourhood(db):
    from tests.factories import NeighbourhoodFactory

    return NeighbourhoodFactory(name="Drunen")


@pytest.fixture
def theme(db):
    from tests.factories import ThemeFactory

    return ThemeFactory(name="Groen")


@pytest.fixture
def resident(db):
    from tests.factories import UserFactory

    return UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")


@pytest.fixture
def other_resident(db):
    from tests.factories import UserFactory

    return UserFactory(email="bert@example.nl", full_name="Bert Buurman")


@pytest.fixture
def enabler(db):
    from tests.factories import StaffFactory

    return StaffFactory(email="sanne@heusden.example", full_name="Sanne de Vries")


@pytest.fixture
def dream(db, resident, neighbourhood, theme):
    from tests.factories import DreamFactory

    return DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)


def image_bytes(fmt: str = "JPEG", size=(40, 30), exif: bytes | None = None) -> bytes:
    """Return a small real image in FMT, optionally with EXIF data."""
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    kwargs = {"exif": exif} if exif else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()
