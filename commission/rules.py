import rules

rules.add_perm("commission.use_desk", rules.is_staff)

# The cohort report holds every sheet of the season: only for who may read each of them.
COHORT_REPORT_READS = [
    "applicants.view_application",
    "commission.view_review",
    "shoots.view_shootday",
    "shoots.view_permit",
    "shoots.view_supportrequest",
    "shoots.view_budgetline",
]


@rules.predicate
def reads_whole_cohort(user):
    return user.has_perms(COHORT_REPORT_READS)


rules.add_perm("commission.export_cohort_report", rules.is_staff & reads_whole_cohort)
