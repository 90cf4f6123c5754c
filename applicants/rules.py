"""Who may do what with the call's objects. Staff rights are Django permissions."""

import rules


@rules.predicate
def is_applicant(user):
    return user.is_authenticated and not user.is_staff


@rules.predicate
def owns_application(user, application):
    return application is not None and application.applicant_id == user.pk


rules.add_perm("applicants.use_applicant_home", is_applicant)
rules.add_perm("applicants.view_own_application", is_applicant & owns_application)
