from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import SignupForm


def home(request):
    """The front door: open calls for visitors, each signed-in user's own home."""
    if request.user.is_authenticated:
        return redirect("desk" if request.user.is_staff else "applicant_home")
    return render(request, "applicants/home.html", {"cohorts": selectors.open_cohorts()})


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                base_url=request.build_absolute_uri("/"),
            )
        except services.ApplicationError as error:
            form.add_error("email", str(error))
        else:
            request.session["verification_sent_to"] = form.cleaned_data["email"]
            return redirect("verification_sent")
    return render(request, "registration/signup.html", {"form": form})


def verification_sent(request):
    return render(
        request,
        "registration/verification_sent.html",
        {"email": request.session.get("verification_sent_to", "")},
    )


def verify_email(request, token):
    try:
        user = services.user_verify_email(token=token)
    except services.ApplicationError as error:
        return render(request, "registration/verify_failed.html", {"error": str(error)})
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
    return redirect(reverse("home"))


@login_required
def applicant_home(request):
    if request.user.is_staff:
        return redirect("desk")
    if not request.user.has_perm("applicants.use_applicant_home"):
        raise PermissionDenied
    context = {
        "applications": selectors.applications_of_applicant(user=request.user),
        "cohorts": selectors.open_cohorts(),
    }
    return render(request, "applicants/applicant/home.html", context)
