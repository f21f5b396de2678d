from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Dreams")

    def ready(self) -> None:
        # The mail settings' system checks (config.E001, config.E002): the outbox needs them.
        import config.mail_checks  # noqa: F401
        from initiatives import peer_tasks, report_tasks  # noqa: F401  (register their tasks)

        post_migrate.connect(_service_promises_ensure, sender=self)
        # Every write through Django's connection raises the version the staff lists' cache
        # is keyed by (initiatives/data_version.py).
        connection_created.connect(_watch_writes)
        from initiatives import data_version

        request_started.connect(data_version.request_started)
        request_finished.connect(data_version.request_finished)


def _watch_writes(*, connection, **kwargs) -> None:
    from initiatives import data_version

    data_version.install(connection)


def _service_promises_ensure(*, using: str = "default", **kwargs) -> None:
    """After migrate (and a test database's flush): the one service-promises row exists."""
    from django.db import connections

    from initiatives.models import ServicePromises
    from initiatives.services import service_promises_ensure

    # `migrate initiatives zero` leaves no table to write to.
    if ServicePromises._meta.db_table in connections[using].introspection.table_names():
        service_promises_ensure()
