from django.contrib import messages
from django.contrib.auth import login
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
