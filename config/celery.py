import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("dromen_doen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def countdown_fits_visibility_timeout() -> str | None:
    """Return a problem if a retry could wait longer than Redis keeps a task invisible."""
    from initiatives.tasks import MAX_COUNTDOWN_SECONDS

    options = app.conf.broker_transport_options or {}
    timeout = options.get("visibility_timeout", 3600)
    if timeout <= MAX_COUNTDOWN_SECONDS:
        return (
            f"The longest retry countdown ({MAX_COUNTDOWN_SECONDS}s) is not below the broker's "
            f"visibility timeout ({timeout}s): a waiting task would be run twice."
        )
    return None


@worker_init.connect
def _check_countdowns(**kwargs) -> None:
    problem = countdown_fits_visibility_timeout()
    if problem:
        raise RuntimeError(problem)
