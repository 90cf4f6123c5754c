from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    name = "commission"
    verbose_name = _("Staff desk")

    def ready(self):
        from . import (
            exports,  # noqa: F401 (registers the app's workbooks with the desk's exports)
            two_factor,  # noqa: F401 (asks for the second factor after a login)
        )
