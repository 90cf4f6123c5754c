from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Conflict, Criterion, Heartbeat, Review, Score

admin.site.site_header = _("Film Incubator Desk")
admin.site.site_title = _("Film Incubator Desk")
admin.site.index_title = _("Records")


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "weight", "scale", "required", "counted", "position"]
    list_filter = ["cohort", "required", "counted"]
    search_fields = ["name", "description"]
    list_select_related = ["cohort"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments are made on the desk, where the rules are checked."""

    list_display = ["application", "reviewer", "assigned_by", "assigned_at"]
    list_filter = ["application__cohort", "reviewer"]
    search_fields = ["reviewer__email", "reviewer__full_name"]
    list_select_related = [
        "application__applicant",
        "application__cohort",
        "reviewer",
        "assigned_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "application", "kind", "declared_at"]
    list_filter = ["kind", "application__cohort"]
    search_fields = ["reviewer__email", "note"]
    list_select_related = ["reviewer", "application__applicant", "application__cohort"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    readonly_fields = ["criterion", "value"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: a review is the reviewer's to write."""

    list_display = ["assignment", "submitted_at", "updated_at"]
    list_filter = ["assignment__application__cohort", "assignment__reviewer"]
    search_fields = ["assignment__reviewer__email", "comment"]
    list_select_related = ["assignment__reviewer", "assignment__application__applicant"]
    readonly_fields = ["assignment", "comment", "submitted_at"]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["review", "criterion", "value"]
    list_filter = ["criterion__cohort", "criterion"]
    search_fields = ["review__assignment__reviewer__email", "criterion__name"]
    list_select_related = ["review__assignment__reviewer", "criterion"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "at"]
    list_filter = ["name"]
    search_fields = ["name"]

    def has_add_permission(self, request):
        return False
