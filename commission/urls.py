from django.contrib import admin
from django.urls import include, path

from .views import desk, mail, panel, reports, reviewer, selection, two_factor

urlpatterns = [
    path("", include("applicants.urls")),
    path("", include("shoots.urls")),
    path("desk/", desk.desk, name="desk"),
    # The second factor, after Django's password login
    path("accounts/two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    # A reviewer's own work
    path("desk/reviews/", reviewer.assignment_list, name="review_list"),
    path("desk/reviews/<int:pk>/", reviewer.review_detail, name="review_detail"),
    path(
        "desk/reviews/<int:pk>/documents/<str:kind>/",
        reviewer.review_document,
        name="review_document",
    ),
    path("desk/reviews/<int:pk>/conflict/", reviewer.conflict_declare, name="review_conflict"),
    # The programme manager's panel
    path("desk/cohorts/<slug:slug>/rubric/", panel.rubric_edit, name="rubric_edit"),
    path("desk/cohorts/<slug:slug>/assignments/", panel.assignment_board, name="assignment_board"),
    path(
        "desk/cohorts/<slug:slug>/assignments/auto/", panel.assignment_auto, name="assignment_auto"
    ),
    path(
        "desk/cohorts/<slug:slug>/assignments/bulk/", panel.assignment_bulk, name="assignment_bulk"
    ),
    path("desk/assignments/<int:pk>/delete/", panel.assignment_delete, name="assignment_delete"),
    path("desk/cohorts/<slug:slug>/ranking/", panel.ranking, name="ranking"),
    path("desk/applications/<int:pk>/audit/", panel.application_audit, name="application_audit"),
    # Selection and decisions
    path("desk/cohorts/<slug:slug>/selection/", selection.selection_board, name="selection"),
    path(
        "desk/cohorts/<slug:slug>/selection/propose/",
        selection.selection_propose,
        name="selection_propose",
    ),
    path(
        "desk/applications/<int:pk>/decision/",
        selection.selection_override,
        name="selection_override",
    ),
    path(
        "desk/cohorts/<slug:slug>/selection/release/",
        selection.decisions_release,
        name="decisions_release",
    ),
    path("desk/cohorts/<slug:slug>/outbox/", selection.outbox, name="outbox"),
    path("desk/mail/", mail.mail_list, name="mail_list"),
    path("desk/outbox/<int:pk>/", mail.outbox_message, name="outbox_message"),
    path("desk/outbox/<int:pk>/send/", mail.mail_resend, name="mail_resend"),
    path("desk/cohorts/<slug:slug>/outbox/send/", selection.outbox_send, name="outbox_send"),
    # Workbooks
    path("desk/cohorts/<slug:slug>/report.xlsx", reports.cohort_report, name="cohort_report"),
    path(
        "desk/cohorts/<slug:slug>/reviews/export.xlsx",
        reports.review_export,
        name="review_export",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# A file gone from storage says so on the friendly 404 page; every other 404 says nothing more.
handler404 = "commission.views.errors.page_not_found"
