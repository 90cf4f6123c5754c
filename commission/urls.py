from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("applicants.urls")),
    path("desk/", views.desk, name="desk"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
