"""Who may do what with the call's objects. Staff rights are Django permissions.

Personal data (passport numbers, birth dates, passport scans, guardians' consent forms) is
read through one rule, `applicants.read_personal_data`: the permission and a second factor.
Test a personal-data rule with `rules.has_perm(name, user, obj)`, not `user.has_perm`: Django
answers yes to a superuser before any rule is asked, and a superuser needs the second factor too.
"""

import rules

from .enums import DocumentKind


@rules.predicate
def is_applicant(user):
    return user.is_authenticated and not user.is_staff


@rules.predicate
def owns_document(user, document):
    return document.application.applicant_id == user.pk


@rules.predicate
def is_submitted(user, document):
    return document.application.submitted_at is not None


@rules.predicate
def passed_second_factor(user):
    """Signed in with a second factor in this session (django-otp's middleware tells)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


@rules.predicate
def holds_personal_data_permission(user):
    return user.has_perm("applicants.view_personal_data")


@rules.predicate
def holds_travel_data_permission(user):
    return user.has_perm("applicants.view_travel_data")


# Staff who can read personal data log in with a second factor (see commission.two_factor).
needs_second_factor = rules.is_staff & (
    holds_personal_data_permission | holds_travel_data_permission
)
reads_personal_data = holds_personal_data_permission & passed_second_factor


@rules.predicate
def is_participant(user, application):
    """Selected and took the seat: `Participant` exists for the application."""
    if application is None:
        return False
    return hasattr(application, "participant")


# What tickets and rooms need (the name as in the passport, its number, expiry, nationality),
# of participants only: never of an applicant who was not selected.
reads_travel_data = reads_personal_data | (
    holds_travel_data_permission & passed_second_factor & is_participant
)


@rules.predicate
def reads_merits(user):
    return user.has_perm("applicants.view_applicationdocument")


# Who reads which kind of a submitted application's document through `document_download`.
# Reviewers read none here: they get blind copies of what they review (`review_document`).
# Logistics reads none: the passport's fields on the application page are what travel needs.
DOCUMENT_READERS = {
    DocumentKind.CV: reads_merits,
    DocumentKind.PORTFOLIO: reads_merits,
    DocumentKind.RECOMMENDATION: reads_merits,
    DocumentKind.PASSPORT: reads_personal_data,
    DocumentKind.CONSENT: reads_personal_data,
}


@rules.predicate
def reads_document_kind(user, document):
    reader = DOCUMENT_READERS.get(document.kind)
    return reader is not None and reader.test(user, document)


rules.add_perm("applicants.use_applicant_home", is_applicant)
rules.add_perm("applicants.read_personal_data", reads_personal_data)
rules.add_perm("applicants.read_travel_data", reads_travel_data)
rules.add_perm("applicants.needs_second_factor", needs_second_factor)
# Staff never read a draft, its documents included.
rules.add_perm(
    "applicants.download_document",
    owns_document | (rules.is_staff & is_submitted & reads_document_kind),
)
# Staff ask for workbooks; each is readable by its asker alone (`exports.export_readable`).
rules.add_perm("applicants.ask_for_export", rules.is_staff)
