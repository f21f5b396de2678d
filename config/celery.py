import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("dromen_doen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def countdown_fits_visibility_timeout() -> str | None:
    """Return a problem if a retry could wait longer than Redis keeps a task invisible."""
    from initiatives.outbox.dispatch import longest_countdown_seconds

    longest = longest_countdown_seconds()
    options = app.conf.broker_transport_options or {}
    timeout = options.get("visibility_timeout", 3600)
    if timeout <= longest:
        return (
            f"The longest retry countdown ({longest:g}s) is not below the broker's "
            f"visibility timeout ({timeout}s): a waiting task would be run twice."
        )
    return None


@worker_init.connect
def _check_countdowns(**kwargs) -> None:
    problem = countdown_fits_visibility_timeout()
    if problem:
        raise RuntimeError(problem)


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task=None, **kwargs) -> None:
    """Treat a task as Django treats a request: keep the database connection for
    CONN_MAX_AGE, checked before use, rather than a new connection for every task (Celery's
    default, which CELERY_DB_REUSE_MAX turns down). A new connection per mail cost about
    half of the worker's time (make bench, BENCHMARKS.md)."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # in-process: the caller's connection and transaction, leave them be
    from django.db import close_old_connections

    close_old_connections()
