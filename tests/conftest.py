import io
import os

import pytest
from PIL import Image

# The ordinary suite runs Celery tasks in-process; delivery tests start a real worker.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")


@pytest.fixture(autouse=True)
def _fresh_cache(settings, request):
    """Give each test its own in-memory cache, so rate-limit counters never leak between
    tests (and a test never empties the Redis database the Celery broker uses)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Keep uploaded photos and mailbox files of a test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILBOX_DIR = tmp_path / "mailbox"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _reproducible_draw_secrets(monkeypatch, request):
    """Give each test the same sequence of draw secrets (issue 18), so that a draw, and
    whether a replacement can keep the quotas on a small pool, is the same on every run.
    Different draws in one test still get different secrets."""
    import hashlib
    import itertools

    from initiatives import draw_seed

    counter = itertools.count(1)
    monkeypatch.setattr(
        draw_seed,
        "new_secret",
        lambda: hashlib.sha256(f"{request.node.name}:{next(counter)}".encode()).hexdigest(),
    )


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
def mogelijkmaker(db):
    from accounts.roles import Role
    from tests.factories import StaffFactory

    return StaffFactory(email="mo@heusden.example", full_name="Mo El Amrani", roles=[Role.ENABLER])


@pytest.fixture
def other_mogelijkmaker(db):
    from accounts.roles import Role
    from tests.factories import StaffFactory

    return StaffFactory(
        email="petra@heusden.example", full_name="Petra Jansen", roles=[Role.ENABLER]
    )


@pytest.fixture
def communications_advisor(db):
    from accounts.roles import Role
    from tests.factories import StaffFactory

    return StaffFactory(
        email="carla@heusden.example", full_name="Carla Communicatie", roles=[Role.COMMUNICATIONS]
    )


@pytest.fixture
def manager(db):
    from accounts.roles import Role
    from tests.factories import StaffFactory

    return StaffFactory(
        email="maarten@heusden.example", full_name="Maarten Manager", roles=[Role.MANAGER]
    )


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


@pytest.fixture(autouse=True)
def _role_groups(request):
    """Make sure the staff roles exist for every test that uses the database.

    A data migration creates them, but transactional tests (the browser tests) empty
    every table when they end, so later tests would find no roles.
    """
    marker = request.node.get_closest_marker("django_db")
    requested = [
        name for name in ("transactional_db", "live_server", "db") if name in request.fixturenames
    ]
    if not marker and not requested:
        return
    # Open database access first: autouse fixtures run before the ones a test asks for.
    request.getfixturevalue("_django_db_marker" if marker else requested[0])
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)


def verify_second_factor(client, user) -> None:
    """Give a signed-in staff member's test session a confirmed second factor, as the
    code page does after a right code (the code flow itself is tested on its own)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """Let Client.force_login also give staff their verified second factor, as the code
    page does after a right code (the code flow itself is tested in test_two_factor.py)."""
    from django.test import Client

    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        if user.is_staff:
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (tests/smtp_server.py); all mail goes to it."""
    from tests.smtp_server import SMTPServer

    server = SMTPServer().start()
    settings.MAILERS = server.mailers()
    yield server
    server.stop()
