from django.db.models import QuerySet

from applicants.selectors import cohorts_with_counts


def desk_cohorts() -> QuerySet:
    return cohorts_with_counts()
