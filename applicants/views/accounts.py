from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import SignupForm


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account (the owner is told).
        services.user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            base_url=request.build_absolute_uri("/"),
        )
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
    """Confirm the address, then ask for the password: a link in a mailbox is no login."""
    try:
        user = services.user_verify_email(token=token)
    except services.ApplicationError as error:
        return render(request, "registration/verify_failed.html", {"error": str(error)})
    if request.user == user:
        messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
        return redirect(reverse("home"))
    messages.success(
        request, _("Your e-mail address is confirmed. Log in with your password to go on.")
    )
    return redirect(reverse("login"))
