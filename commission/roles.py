"""Staff roles are Django groups; this table says which permissions each one holds.

Lower apps check permissions, never role names. A migration applies the table whenever it
changes (a new `RunPython(sync_role_groups)` migration in `commission`), and a test proves
the groups hold exactly this table.
"""

from django.utils.translation import gettext_lazy as _

PROGRAMME_MANAGER = "Programme manager"
REVIEWER = "Reviewer"
PERMITS_OFFICER = "Permits officer"
LOGISTICS_COORDINATOR = "Logistics coordinator"

ROLE_LABELS = {
    PROGRAMME_MANAGER: _("Programme manager"),
    REVIEWER: _("Reviewer"),
    PERMITS_OFFICER: _("Permits officer"),
    LOGISTICS_COORDINATOR: _("Logistics coordinator"),
}

ROLES = {
    PROGRAMME_MANAGER: [
        "applicants.view_user",
        "applicants.view_country",
        "applicants.add_cohort",
        "applicants.change_cohort",
        "applicants.view_cohort",
        "applicants.view_applicantprofile",
        "applicants.view_personal_data",
        "applicants.view_personaldataaccess",
        "applicants.view_application",
        "applicants.change_application",
        "applicants.view_applicationdocument",
        "applicants.view_auditentry",
        "commission.view_criterion",
        "commission.add_criterion",
        "commission.change_criterion",
        "commission.delete_criterion",
        "commission.view_assignment",
        "commission.add_assignment",
        "commission.delete_assignment",
        "commission.view_conflict",
        "commission.view_review",
        "commission.view_score",
        "shoots.view_authority",
        "shoots.view_location",
        "shoots.view_team",
        "shoots.add_team",
        "shoots.change_team",
        "shoots.view_production",
        "shoots.change_production",
        "shoots.view_shootday",
        "shoots.add_shootday",
        "shoots.change_shootday",
        "shoots.delete_shootday",
        "shoots.view_permit",
        "shoots.view_conflictrule",
        "shoots.change_conflictrule",
        "shoots.view_calendarfeed",
        "shoots.add_calendarfeed",
        "shoots.change_calendarfeed",
        "shoots.view_supportrequest",
        "shoots.view_supportattachment",
        "shoots.view_budgetline",
        "shoots.add_budgetline",
        "shoots.change_budgetline",
    ],
    REVIEWER: [
        # What a reviewer may do is further limited to their own assignments.
        "applicants.view_cohort",
        "commission.view_criterion",
        "commission.add_review",
        "commission.add_conflict",
    ],
    PERMITS_OFFICER: [
        "applicants.view_cohort",
        "shoots.view_authority",
        "shoots.add_authority",
        "shoots.change_authority",
        "shoots.view_location",
        "shoots.add_location",
        "shoots.change_location",
        "shoots.add_locationphoto",
        "shoots.delete_locationphoto",
        "shoots.view_team",
        "shoots.view_production",
        "shoots.view_shootday",
        "shoots.add_shootday",
        "shoots.change_shootday",
        "shoots.delete_shootday",
        "shoots.view_permit",
        "shoots.add_permit",
        "shoots.change_permit",
        "shoots.view_conflictrule",
        "shoots.change_conflictrule",
        "shoots.view_calendarfeed",
        "shoots.add_calendarfeed",
        "shoots.change_calendarfeed",
    ],
    LOGISTICS_COORDINATOR: [
        # Names and nationalities for travel; birth dates stay masked, and passports too but
        # participants' (what tickets and rooms need), with a second factor.
        "applicants.view_travel_data",
        "applicants.view_application",
        "applicants.view_applicantprofile",
        "applicants.view_cohort",
        "applicants.view_country",
        "shoots.view_authority",
        "shoots.view_location",
        "shoots.view_team",
        "shoots.view_production",
        "shoots.view_shootday",
        "shoots.view_permit",
        "shoots.view_calendarfeed",
        "shoots.view_supportrequest",
        "shoots.add_supportrequest",
        "shoots.change_supportrequest",
        "shoots.view_supportattachment",
        "shoots.add_supportattachment",
        "shoots.delete_supportattachment",
        "shoots.view_budgetline",
        "shoots.add_budgetline",
        "shoots.change_budgetline",
    ],
}


def sync_role_groups(apps, roles=None):
    """Make each role group hold exactly its permissions: in a migration, or after a test flush."""
    from django.contrib.auth.management import create_permissions
    from django.db.models import Q

    # Permissions are normally made after the last migration; make them now. (A migration's
    # app configs are stubs without a models module, which create_permissions wants.)
    for app_config in apps.get_app_configs():
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in (roles or ROLES).items():
        group, _created = Group.objects.get_or_create(name=role)
        # A permission whose model a later migration makes is granted by that migration's
        # sync; a test checks that after the last one each group holds exactly its table.
        wanted = [dotted.split(".") for dotted in codenames]
        query = Q(pk__in=[])
        for app_label, codename in wanted:
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query))
