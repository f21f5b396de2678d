def pytest_configure(config):
    # Registered here, next to its one user (test_image.py), to keep pyproject.toml as it is.
    config.addinivalue_line(
        "markers", "slow_install: installs a fresh virtualenv from requirements.lock (minutes)"
    )
