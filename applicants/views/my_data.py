"""An applicant's own data: download all of it, or delete the account.

Both act on the signed-in applicant only: there is no id in their addresses, so nobody, staff
included, reaches another person's data through them (staff are sent to their desk).
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import personal_data, services
from ..enums import ApplicationStatus
from ..forms import AccountDeleteForm
from .applicant import applicant_required


@require_GET
@applicant_required
def my_data_download(request):
    archive = personal_data.personal_data_zip(user=request.user)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"my-data-{timezone.localdate():%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@applicant_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.account_delete(user=request.user, password=form.cleaned_data["password"])
        except personal_data.WrongPassword as error:
            form.add_error("password", str(error))
        except services.ApplicationError as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            messages.success(
                request, _("Your account is deleted. Thank you for your interest in the incubator.")
            )
            return redirect("home")
    S = ApplicationStatus
    context = {
        "form": form,
        "blockers": personal_data.account_deletion_blockers(user=request.user),
        "undecided": [S.SUBMITTED.label, S.SHORTLISTED.label, S.WAITLISTED.label, S.ACCEPTED.label],
        "retention": personal_data.retention_of(user=request.user),
    }
    return render(request, "applicants/applicant/delete_account.html", context)
