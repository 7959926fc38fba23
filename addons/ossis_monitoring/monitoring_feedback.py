# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ratings of the applicants on a service, month by month"""
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.model import fields
from trytond.pool import Pool

from .application_feedback import LOW_RATING
from .figure import FigureMixin, share


class MonitoringFeedback(FigureMixin):
    """Monitoring Feedback

    The ratings recorded in a month on the applications of a service: their
    number, their average and the low ones."""
    __name__ = 'ossis.monitoring.feedback'
    __string__ = "Feedback Figures"

    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", readonly=True)
    month = fields.Date("Month", readonly=True, help="Its first day.")
    ratings = fields.Integer("Ratings", readonly=True)
    rating_sum = fields.Integer("Sum of the Ratings", readonly=True)
    low = fields.Integer(
        "Low Ratings", readonly=True,
        help="The ratings the head of the unit looks into.")
    average = fields.Function(
        fields.Float("Average", digits=(1, 2)), 'get_average')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Rating = pool.get('ossis.monitoring.summary.rating')
        rating = Rating.__table__()
        keys = [rating.company, rating.lgu_service, rating.month]
        return rating.select(*cls._meta_columns(rating), *keys,
            Sum(rating.count).as_('ratings'),
            Sum(rating.count * rating.rating).as_('rating_sum'),
            Sum(Case((rating.rating <= LOW_RATING, rating.count),
                    else_=0)).as_('low'),
            group_by=keys)

    def get_average(self, name):
        return share(self.rating_sum, self.ratings)
