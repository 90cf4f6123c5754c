import rules
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .access_log import accesses_record
from .enums import PersonalDataPlace, PersonalDatum
from .forms import EmailAddressField
from .models import (
    ApplicantProfile,
    Application,
    ApplicationDocument,
    AuditEntry,
    Cohort,
    Country,
    Export,
    OutboxMessage,
    Participant,
    PersonalDataAccess,
    User,
)

PERSONAL_DATA = ["date_of_birth", "passport_number", "passport_expires_on"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    # Addresses typed here are read in their one normal form, as at sign-up.
    formfield_overrides = {models.EmailField: {"form_class": EmailAddressField}}
    list_display = [
        "email",
        "full_name",
        "is_staff",
        "is_active",
        "email_verified_at",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["email_verified_at", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_asean", "time_zone"]
    list_filter = ["is_asean"]
    search_fields = ["code", "name"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "opens_at", "closes_at", "seats_per_country"]
    list_filter = ["status", "host_city"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["eligible_countries"]


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "native_name", "nationality", "residence", "gender"]
    list_filter = ["nationality", "gender"]
    search_fields = ["legal_name", "native_name", "preferred_name", "user__email"]
    list_select_related = ["nationality", "residence"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        # People who only ever drafted are nobody's business on the desk.
        submitted = Application.objects.filter(submitted_at__isnull=False)
        return super().get_queryset(request).filter(user__applications__in=submitted).distinct()

    def get_exclude(self, request, obj=None):
        # Passport numbers and birth dates: for readers of personal data, with a second factor
        # (the rule itself, not user.has_perm, which says yes to a superuser without it).
        if rules.has_perm("applicants.read_personal_data", request.user):
            return []
        return PERSONAL_DATA

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        profile = self.get_object(request, object_id)
        if request.method == "GET" and profile is not None and not self.get_exclude(request):
            application = profile.user.applications.filter(submitted_at__isnull=False).first()
            if application is not None:
                accesses_record(
                    user=request.user,
                    where=PersonalDataPlace.ADMIN,
                    what=[PersonalDatum.BIRTH_DATE, PersonalDatum.PASSPORT_NUMBER],
                    applications=[application],
                )
        return response

    def lookup_allowed(self, lookup, value, request=None):
        # ?passport_number__startswith=N0 would spell a number out letter by letter.
        personal = lookup.split("__")[0] in PERSONAL_DATA
        if personal and not (
            request and rules.has_perm("applicants.read_personal_data", request.user)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applicants write applications, the desk's services move them."""

    list_display = ["applicant", "cohort", "status", "submitted_at", "updated_at"]
    list_filter = ["cohort", "status"]
    search_fields = [
        "applicant__email",
        "applicant__profile__legal_name",
        "applicant__profile__native_name",
    ]
    list_select_related = ["applicant", "cohort"]

    def get_queryset(self, request):
        # Staff never read a draft, not even here.
        return super().get_queryset(request).filter(submitted_at__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are uploaded by applicants and read through the permission check."""

    list_display = ["original_name", "kind", "application", "size", "uploaded_at", "download"]
    list_filter = ["kind", "application__cohort"]
    search_fields = ["original_name", "application__applicant__email"]
    list_select_related = ["application__applicant", "application__cohort"]
    fields = [
        "application",
        "kind",
        "original_name",
        "content_type",
        "size",
        "uploaded_at",
        "download",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, document):
        url = reverse("document_download", kwargs={"pk": document.pk})
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_queryset(self, request):
        return super().get_queryset(request).filter(application__submitted_at__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "joined_at"]
    list_filter = ["cohort"]
    search_fields = ["user__email", "user__profile__legal_name", "user__profile__native_name"]
    list_select_related = ["user", "cohort"]
    autocomplete_fields = ["user"]

    def has_add_permission(self, request):
        return False  # a participant is made by accepting an offer


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: mail is written by the desk and sent, or sent again, from the desk's Mail."""

    list_display = ["subject", "to", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", "application__cohort"]
    search_fields = ["to", "subject"]
    list_select_related = ["application"]

    def get_exclude(self, request, obj=None):
        # A sign-in link is for its reader alone.
        return ["body", "html"] if obj and obj.secret else []

    def lookup_allowed(self, lookup, value, request=None):
        # ?body__contains=token= would spell a sign-in link out letter by letter.
        if lookup.split("__")[0] in ("body", "html"):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Read-only: who asked for which workbook, and how its build went. The file is its
    asker's, downloaded from the desk."""

    list_display = ["title", "requested_by", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "requested_by__email"]
    list_select_related = ["requested_by"]
    exclude = ["file", "params"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "from_state",
        "to_state",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "note", "actor__email"]
    list_select_related = ["actor", "content_type"]

    # The audit trail is evidence: nobody edits or deletes it, not even in the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The access log of personal data: read-only, written by the pages that show it."""

    list_display = ["at", "user", "person", "what", "where"]
    list_filter = ["what", "where"]
    search_fields = ["user__email", "person__email"]
    list_select_related = ["user", "person"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
