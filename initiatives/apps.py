from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Dreams")

    def ready(self) -> None:
        # The mail settings' system checks (config.E001, config.E002): the outbox needs them.
        import config.mail_checks  # noqa: F401
