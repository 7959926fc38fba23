# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The counts of each municipality, for the national comparison

The sums of the detailed summaries (monitoring_summary) over the offers,
units, channels, genders and weeks: the same deltas are added to both in
the same transaction, so that comparing the 61 municipalities reads a few
thousand rows instead of a row per offer, unit, channel, gender and week.
"""
from collections import Counter, defaultdict

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond import backend
from trytond.model import fields
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.transaction import Transaction

from .monitoring_summary import SummaryMixin, key_index


class _RollUpMixin(SummaryMixin):
    __slots__ = ()

    @classmethod
    def __register__(cls, module):
        new = not backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if new:
            # The detailed summaries may already count the applications
            cls.roll_up()

    @classmethod
    def roll_up(cls, companies=None):
        """Replace the rows of the companies (all by default) by the sums of
        the detailed summaries"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(where=_of_companies(table, companies)))
        for columns, query in cls._roll_up_queries(companies):
            # The counts the query does not sum are 0, as add expects
            others = [c for c in cls._counts if c not in columns]
            query.columns = tuple(query.columns) + tuple(
                Literal(0) for _ in others)
            cursor.execute(*table.insert(
                    [getattr(table, c) for c in list(columns) + others],
                    query))

    @classmethod
    def _roll_up_queries(cls, companies):
        "Yield the columns and the queries of the sums to insert"
        raise NotImplementedError


def _of_companies(table, companies):
    if companies is None:
        return Literal(True)
    return SQL_OPERATORS['in'](table.company, list(companies))


class Municipality(_RollUpMixin):
    "Monitoring Municipality Summary"
    __name__ = 'ossis.monitoring.summary.municipality'
    __string__ = "Municipality Summary"
    month = fields.Date("Month", readonly=True)
    received = fields.Integer("Received", readonly=True)
    online = fields.Integer("Received Online", readonly=True)
    completed = fields.Integer("Completed", readonly=True)
    with_due = fields.Integer("With Due Date", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)
    ratings = fields.Integer("Ratings", readonly=True)
    rating_sum = fields.Integer("Sum of the Ratings", readonly=True)
    _keys = ('company', 'month')
    _counts = (
        'received', 'online', 'completed', 'with_due', 'on_time', 'ratings',
        'rating_sum')
    # The counts of the volume summary summed as they are
    _volume_counts = ('received', 'completed', 'with_due', 'on_time')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._sql_indexes.add(key_index(cls, ('company', 'month')))

    @classmethod
    def deltas_of(cls, volume=None, ratings=None):
        "Return the deltas of the volume and rating deltas"
        deltas = defaultdict(Counter)
        for key, counts in (volume or {}).items():
            company, channel, month = key[0], key[3], key[5]
            row = deltas[(company, month)]
            row.update({c: counts.get(c, 0) for c in cls._volume_counts})
            if channel == 'online':
                row['online'] += counts.get('received', 0)
        for key, counts in (ratings or {}).items():
            company, month, rating = key[0], key[4], key[5]
            row = deltas[(company, month)]
            row['ratings'] += counts['count']
            row['rating_sum'] += counts['count'] * rating
        return deltas

    @classmethod
    def _roll_up_queries(cls, companies):
        pool = Pool()
        volume = pool.get('ossis.monitoring.summary.volume').__table__()
        rating = pool.get('ossis.monitoring.summary.rating').__table__()
        yield (('company', 'month', 'online') + cls._volume_counts,
            volume.select(
                volume.company, volume.month,
                Sum(Case((volume.channel == 'online', volume.received),
                        else_=0)),
                *[Sum(getattr(volume, c)) for c in cls._volume_counts],
                where=_of_companies(volume, companies),
                group_by=[volume.company, volume.month]))
        yield (('company', 'month', 'ratings', 'rating_sum'),
            rating.select(
                rating.company, rating.month, Sum(rating.count),
                Sum(rating.count * rating.rating),
                where=_of_companies(rating, companies),
                group_by=[rating.company, rating.month]))


class MunicipalityDays(_RollUpMixin):
    "Monitoring Municipality Processing Days Summary"
    __name__ = 'ossis.monitoring.summary.municipality_days'
    __string__ = "Municipality Processing Days Summary"
    year = fields.Integer("Year", readonly=True)
    days = fields.Integer("Days", readonly=True)
    completed = fields.Integer("Completed", readonly=True)
    _keys = ('company', 'year', 'days')
    _counts = ('completed',)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._sql_indexes.add(key_index(cls, ('company', 'year')))

    @classmethod
    def deltas_of(cls, days):
        "Return the deltas of the processing days deltas"
        deltas = defaultdict(Counter)
        for key, counts in days.items():
            company, month, days_ = key[0], key[4], key[5]
            deltas[(company, month.year, days_)]['completed'] += (
                counts.get('completed', 0))
        return deltas

    @classmethod
    def _roll_up_queries(cls, companies):
        days = Pool().get('ossis.monitoring.summary.days').__table__()
        year = Extract('YEAR', days.month)
        yield (('company', 'year', 'days', 'completed'),
            days.select(
                days.company, year, days.days, Sum(days.completed),
                where=_of_companies(days, companies),
                group_by=[days.company, year, days.days]))
