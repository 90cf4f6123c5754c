from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .emails import normalize_email
from .enums import MailKind
from .mail import send_templated_mail
from .models import WORD_LIMITS, ApplicantProfile, Application, Cohort, User


class EmailAddressField(forms.EmailField):
    """An e-mail address, read in its one normal form (`applicants.emails`), then checked."""

    def to_python(self, value):
        return normalize_email(super().to_python(value))


class SignupForm(forms.Form):
    email = EmailAddressField(label=_("E-mail address"), max_length=254)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email", autofocus=True)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create account"), css_class="w-100"))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, User(email=cleaned.get("email", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match an account."),
        "unverified": _("Please confirm your e-mail address first: we have sent you a new link."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            from .services import user_send_verification

            user_send_verification(user=user, base_url=self.request.build_absolute_uri("/"))
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the mail sent as HTML and text through the task queue."""

    email = EmailAddressField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send me a link"), css_class="w-100"))

    def get_users(self, email):
        # The address is in its normal form, as stored: an exact match, never the database's
        # own idea of letter case.
        users = User.objects.filter(email=email, is_active=True)
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        send_templated_mail(
            to=to_email,
            template="registration/email/password_reset",
            context=context,
            kind=MailKind.PASSWORD_RESET,
            secret=True,
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the new password"), css_class="w-100"))


class KoreaTimeInput(forms.DateTimeInput):
    """A datetime-local picker; the value is read in the project's time zone, Asia/Seoul."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "slug",
            "host_city",
            "status",
            "opens_at",
            "closes_at",
            "eligible_countries",
            "min_age",
            "max_age",
            "age_reference_date",
            "seats_per_country",
            "team_count",
            "onsite_starts_on",
            "onsite_ends_on",
            "blind_review",
            "reviews_per_application",
            "reviewers_from_other_countries",
            "personal_data_kept_days",
        ]
        widgets = {
            "opens_at": KoreaTimeInput(),
            "closes_at": KoreaTimeInput(),
            "age_reference_date": DateInput(),
            "onsite_starts_on": DateInput(),
            "onsite_ends_on": DateInput(),
            "eligible_countries": forms.CheckboxSelectMultiple(),
        }
        help_texts = {
            "opens_at": _("Korea time (Asia/Seoul)."),
            "closes_at": _("Korea time (Asia/Seoul). Applicants also see it in their own time."),
            "age_reference_date": _("Applicants' ages are counted on this day."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields["closes_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the cohort")))


# The application's steps. Every field may stay empty while drafting; what a submit needs is
# checked by services.application_missing_items. Here only the form of each answer is checked.


class StepForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.helper = FormHelper()
        self.helper.form_tag = False


class ProfileStepForm(StepForm):
    class Meta:
        model = ApplicantProfile
        fields = [
            "legal_name",
            "native_name",
            "preferred_name",
            "date_of_birth",
            "nationality",
            "residence",
            "gender",
            "phone",
            "city",
            "languages",
            "english_level",
            "passport_number",
            "passport_expires_on",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "passport_expires_on": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_name"].widget.attrs["autocomplete"] = "name"
        self.fields["gender"].help_text = _("Optional.")
        self.fields["native_name"].help_text = _(
            "Khmer, Thai, Lao, Burmese, Korean... if you have one."
        )


WORD_LIMITED = {"bio", "filmography", "motivation", "logline", "synopsis"}


class FilmmakingStepForm(StepForm):
    class Meta:
        model = Application
        fields = [
            "role_1",
            "role_2",
            "role_3",
            "bio",
            "filmography",
            "showreel_url",
            "portfolio_url",
            "motivation",
            "logline",
            "synopsis",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "filmography": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 8}),
            "logline": forms.Textarea(attrs={"rows": 2}),
            "synopsis": forms.Textarea(attrs={"rows": 6}),
            "showreel_url": forms.URLInput(attrs={"placeholder": "https://vimeo.com/..."}),
            "portfolio_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in WORD_LIMITED:
            self.fields[name].widget.attrs["data-word-limit"] = WORD_LIMITS[name]
            self.fields[name].widget.attrs["data-word-label"] = _("words")
            limit = _("At most %(limit)d words.") % {"limit": WORD_LIMITS[name]}
            hint = self.fields[name].help_text
            self.fields[name].help_text = f"{hint} {limit}" if hint else limit
        self.fields["role_1"].help_text = _("The role you most want to play in your team.")

    def clean(self):
        cleaned = super().clean()
        roles = [cleaned.get(name) for name in ("role_1", "role_2", "role_3")]
        chosen = [role for role in roles if role]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Choose each crew role only once."))
        if (roles[1] and not roles[0]) or (roles[2] and not roles[1]):
            raise forms.ValidationError(
                _("Fill the choices in order: first choice, then second, then third.")
            )
        return cleaned


class GuardianStepForm(StepForm):
    class Meta:
        model = Application
        fields = ["guardian_name", "guardian_email"]


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


def form_errors_text(form) -> str:
    """A form's errors in one sentence, for a message on the page it returns to."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def refusal_text(refusal: Exception) -> str:
    """What a refused action says: a validation error's messages, or the error's own text."""
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )
