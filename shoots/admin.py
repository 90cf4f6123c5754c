from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from .models import (
    Authority,
    BudgetLine,
    CalendarFeed,
    ConflictRule,
    Location,
    LocationPhoto,
    Permit,
    Production,
    ShootDay,
    SupportAttachment,
    SupportRequest,
    Team,
    TeamMember,
)
from .services import shoot_days_revise


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ko", "kind", "lead_days", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "name_ko"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # its name and lead time reach calendars and permit due dates
            days = ShootDay.objects.filter(
                Q(location__authority=obj) | Q(permits__authority=obj),
                date__gte=timezone.localdate(),
            )
            shoot_days_revise(shoot_days=days.distinct())


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # its name, address and lead time reach calendars and permit due dates
            days = ShootDay.objects.filter(location=obj, date__gte=timezone.localdate())
            shoot_days_revise(shoot_days=days)


@admin.register(LocationPhoto)
class LocationPhotoAdmin(admin.ModelAdmin):
    """Photos are added on the location's page, where the file's type is checked."""

    list_display = ["location", "caption", "content_type", "uploaded_at"]
    list_filter = ["location__district"]
    search_fields = ["caption", "location__name"]
    list_select_related = ["location"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeskOnly(admin.ModelAdmin):
    """Read-only: these are changed on the desk, where conflicts and states are checked."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(DeskOnly):
    list_display = ["__str__", "cohort", "number"]
    list_filter = ["cohort"]
    search_fields = ["name", "production__title"]
    list_select_related = ["cohort"]


@admin.register(TeamMember)
class TeamMemberAdmin(DeskOnly):
    list_display = ["participant", "team", "role"]
    list_filter = ["team__cohort", "role"]
    search_fields = ["participant__user__email", "participant__user__profile__legal_name"]
    list_select_related = ["team", "participant__user__profile"]


@admin.register(Production)
class ProductionAdmin(DeskOnly):
    list_display = ["title", "team", "format", "running_minutes"]
    list_filter = ["team__cohort", "format"]
    search_fields = ["title"]
    list_select_related = ["team"]


@admin.register(ShootDay)
class ShootDayAdmin(DeskOnly):
    list_display = ["date", "production", "location", "call_time", "wrap_time", "sequence"]
    list_filter = ["production__team__cohort", "location__district"]
    search_fields = ["production__title", "location__name", "scenes"]
    date_hierarchy = "date"
    list_select_related = ["production", "location"]


@admin.register(Permit)
class PermitAdmin(DeskOnly):
    list_display = ["shoot_day", "authority", "status", "due_on", "reference_number", "fee_krw"]
    list_filter = ["status", "authority"]
    search_fields = ["reference_number"]
    list_select_related = ["shoot_day__production", "shoot_day__location", "authority"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(DeskOnly):
    list_display = ["kind", "created_by", "created_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["created_by__email"]
    exclude = ["token"]  # the secret stays on the desk's pages


@admin.register(ConflictRule)
class ConflictRuleAdmin(DeskOnly):
    list_display = ["cohort", "kind", "action"]
    list_filter = ["cohort", "kind", "action"]
    search_fields = ["cohort__name"]


@admin.register(SupportRequest)
class SupportRequestAdmin(DeskOnly):
    list_display = ["summary", "kind", "state", "cohort", "due_on", "estimated_cost_krw"]
    list_filter = ["cohort", "kind", "state"]
    search_fields = ["summary", "vendor", "booking_reference", "flight_number"]
    list_select_related = ["cohort"]


@admin.register(SupportAttachment)
class SupportAttachmentAdmin(DeskOnly):
    list_display = ["name", "request", "content_type", "uploaded_at"]
    list_filter = ["content_type", "request__cohort"]
    search_fields = ["name", "request__summary"]
    list_select_related = ["request"]
    exclude = ["file"]  # served on the desk's pages, where who may read it is checked


@admin.register(BudgetLine)
class BudgetLineAdmin(DeskOnly):
    list_display = ["cohort", "production", "kind", "amount_krw"]
    list_filter = ["cohort", "kind"]
    search_fields = ["note", "production__title", "cohort__name"]
    list_select_related = ["cohort", "production"]
