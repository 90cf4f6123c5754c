from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Film Incubator Desk")
admin.site.site_title = _("Film Incubator Desk")
admin.site.index_title = _("Records")
