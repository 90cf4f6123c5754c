from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShootsConfig(AppConfig):
    name = "shoots"
    verbose_name = _("Shoots")

    def ready(self):
        from . import exports  # noqa: F401 (registers the app's workbooks with the desk's exports)
