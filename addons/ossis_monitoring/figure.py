# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the reporting models of the figures share"""
import math

from sql import Literal, Null
from sql.aggregate import Max, Min

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin

# The ids in a query at a time
IN_MAX = 1000


def histogram_percentile(histogram, share):
    """Return the nearest-rank percentile of the values counted in the
    histogram ({value: count}); None when empty

    The same rank as application_statistics.percentile over the values."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(math.ceil(round(share * total, 9)), 1)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value


def share(part, whole):
    return part / whole if whole else None


class FigureMixin(LGUOwnedMixin, ModelSQL, ModelView):
    """A read-only model of figures computed by a table query, owned by a
    municipality"""
    __slots__ = ()
    company = fields.Many2One(
        'company.company', "Municipality", readonly=True)

    @classmethod
    def _meta_columns(cls, table):
        "Return the columns every table query gives, for the table grouped"
        return [
            Min(table.id).as_('id'),
            Literal(0).as_('create_uid'),
            Max(table.create_date).as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            ]
