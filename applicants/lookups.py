"""An `in` lookup on integer columns that ignores ids past the column's range.

Django already answers `pk=<a 21-digit number>` with no rows (its IntegerFieldOverflow), but
not `pk__in=[...]`, which every multiple choice field (countries, mentors, crew, reviewers,
here and in the admin) runs on what was posted: on SQLite binding such a number raises
OverflowError, a 500. With this lookup, such an id matches nothing, so the form says that it
is not one of the choices, as for any other id that is not there.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def _in_range(connection, field, value) -> bool:
    if not isinstance(value, int):
        return True
    target = getattr(field, "target_field", field)
    low, high = connection.ops.integer_field_range(target.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


# The same through a foreign key (`?cohort__in=` or `?cohort__exact=` in the admin's filters).
@ForeignObject.register_lookup
class RelatedInRange(RelatedIn):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not getattr(self.lhs, "targets", ())[1:]:
            field = self.lhs.output_field
            self.rhs = [value for value in self.rhs if _in_range(connection, field, value)]
        return super().process_rhs(compiler, connection)


@ForeignObject.register_lookup
class RelatedExactInRange(RelatedExact):
    def as_sql(self, compiler, connection):
        if self.rhs_is_direct_value() and not _in_range(
            connection, self.lhs.output_field, self.rhs
        ):
            raise EmptyResultSet
        return super().as_sql(compiler, connection)
