from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import LoginForm, PasswordResetForm, SetPasswordForm
from .views import accounts, applicant, documents, exports, my_data, public, staff

urlpatterns = [
    path("", public.home, name="home"),
    path("calls/<slug:slug>/", public.call_detail, name="call_detail"),
    path("calls/<slug:slug>/apply/", applicant.application_start, name="application_start"),
    # The applicant's own pages
    path("me/", applicant.applicant_home, name="applicant_home"),
    path("me/my-data.zip", my_data.my_data_download, name="my_data_download"),
    path("me/delete/", my_data.account_delete, name="account_delete"),
    path("me/applications/<int:pk>/", applicant.application_detail, name="application_detail"),
    path(
        "me/applications/<int:pk>/step/<str:step>/",
        applicant.application_step,
        name="application_step",
    ),
    path(
        "me/applications/<int:pk>/documents/<str:kind>/",
        applicant.document_upload,
        name="document_upload",
    ),
    path(
        "me/applications/<int:pk>/documents/<str:kind>/delete/",
        applicant.document_delete,
        name="document_delete",
    ),
    path(
        "me/applications/<int:pk>/consent-form/",
        applicant.consent_form,
        name="consent_form",
    ),
    path(
        "me/applications/<int:pk>/submit/", applicant.application_submit, name="application_submit"
    ),
    path(
        "me/applications/<int:pk>/withdraw/",
        applicant.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "me/applications/<int:pk>/offer/accept/",
        applicant.offer_accept,
        name="offer_accept",
    ),
    path(
        "me/applications/<int:pk>/offer/decline/",
        applicant.offer_decline,
        name="offer_decline",
    ),
    # Documents, for their owner and for authorised staff
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
    # The staff desk's side of the call
    path("desk/cohorts/", staff.cohort_list, name="cohort_list"),
    path("desk/cohorts/new/", staff.cohort_create, name="cohort_create"),
    path("desk/cohorts/<slug:slug>/edit/", staff.cohort_update, name="cohort_update"),
    path("desk/applications/", staff.application_list, name="staff_application_list"),
    path(
        "desk/applications/export.csv",
        staff.application_export,
        name="staff_application_export",
    ),
    path("desk/exports/", exports.export_list, name="export_list"),
    path("desk/exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("desk/exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path(
        "desk/applications/export.xlsx",
        staff.application_export_xlsx,
        name="staff_application_export_xlsx",
    ),
    path(
        "desk/applications/<int:pk>/",
        staff.application_detail,
        name="staff_application_detail",
    ),
    # Accounts
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/verify/sent/", accounts.verification_sent, name="verification_sent"),
    path("accounts/verify/<str:token>/", accounts.verify_email, name="verify_email"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
