"""Who may do what with the call's objects. Staff rights are Django permissions."""

import rules


@rules.predicate
def is_applicant(user):
    return user.is_authenticated and not user.is_staff


@rules.predicate
def owns_document(user, document):
    return document.application.applicant_id == user.pk


@rules.predicate
def reads_applications(user):
    return user.has_perm("applicants.view_application")


@rules.predicate
def is_submitted(user, document):
    return document.application.submitted_at is not None


rules.add_perm("applicants.use_applicant_home", is_applicant)
# Staff never read a draft, its documents included.
rules.add_perm("applicants.download_document", owns_document | (reads_applications & is_submitted))
# Staff ask for workbooks; each is readable by its asker alone (`exports.export_readable`).
rules.add_perm("applicants.ask_for_export", rules.is_staff)
