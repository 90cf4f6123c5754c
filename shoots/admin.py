from django.contrib import admin

from .models import Authority, Location


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ko", "kind", "lead_days", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "name_ko"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "name_ko",
        "kind",
        "district",
        "authority",
        "permit_required",
        "lead_days",
    ]
    list_filter = ["district", "kind", "permit_required", "allows_shared_use", "authority"]
    search_fields = ["name", "name_ko", "address"]
    list_select_related = ["authority"]
    prepopulated_fields = {"slug": ["name"]}
