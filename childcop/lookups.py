"""`__in` on integer columns drops ids no column can hold, as Django's own `exact`, `gt`…
lookups on integer fields already do (IntegerFieldOverflow).

Without it, an id beyond 64 bits posted to any multiple-choice field (or put in a query
string) reaches the database driver, and SQLite refuses it with an OverflowError: a 500
instead of "Select a valid choice". Registered once when the project starts (`register`,
from ChildcopConfig.ready) on every integer field, primary and foreign keys included.
"""

from django.db.models import ForeignKey, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class InRangeIdsOnly:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            field = getattr(field, "target_field", field)  # a foreign key's target column
            try:
                low, high = connection.ops.integer_field_range(field.get_internal_type())
            except KeyError:  # not an integer column
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


class IntegerIn(InRangeIdsOnly, In):
    pass


class ForeignKeyIn(InRangeIdsOnly, RelatedIn):
    pass


def register():
    IntegerField.register_lookup(IntegerIn)
    ForeignKey.register_lookup(ForeignKeyIn)
