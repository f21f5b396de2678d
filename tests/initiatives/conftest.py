import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff have passwords; the real hasher would make each staff user take ~0.3 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
