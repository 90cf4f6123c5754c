"""An `in` lookup on integer columns that ignores ids past the column's range.

Django already answers `pk=<a 21-digit number>` with no rows (its IntegerFieldOverflow), but
not `pk__in=[...]`, which every multiple choice field (countries, mentors, crew, reviewers,
here and in the admin) runs on what was posted: on SQLite binding such a number raises
OverflowError, a 500. With this lookup, such an id matches nothing, so the form says that it
is not one of the choices, as for any other id that is not there.
"""

from django.db.models import IntegerField
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
