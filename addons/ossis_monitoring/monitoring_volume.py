# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applications received and completed per week and month"""
from sql import Literal
from sql.aggregate import Sum

from trytond.model import fields
from trytond.modules.ossis_application.application import CHANNELS
from trytond.pool import Pool
from trytond.transaction import Transaction

from .figure import FigureMixin, share
from .monitoring_summary import GENDERS


class MonitoringVolume(FigureMixin):
    """Monitoring Volume

    The applications of a municipality received and completed in a week,
    by service, administrative unit, channel and gender of the applicant.
    Received counts by the week of the submission, completed by the week
    of the decision."""
    __name__ = 'ossis.monitoring.volume'
    __string__ = "Volume"

    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", readonly=True)
    administrative_unit = fields.Many2One(
        'ossis.administrative_unit', "Administrative Unit", readonly=True)
    urban = fields.Boolean(
        "Urban", readonly=True,
        help="The administrative unit holds the seat of the municipality.")
    channel = fields.Selection(CHANNELS, "Channel", readonly=True)
    gender = fields.Selection(GENDERS, "Gender", readonly=True)
    week = fields.Date("Week", readonly=True, help="Its Monday.")
    month = fields.Date("Month", readonly=True, help="Its first day.")
    received = fields.Integer("Received", readonly=True)
    completed = fields.Integer("Completed", readonly=True)
    with_due = fields.Integer(
        "With Due Date", readonly=True,
        help="The completed applications that had a due date.")
    on_time = fields.Integer(
        "On Time", readonly=True,
        help="The completed applications decided by their due date.")
    on_time_share = fields.Function(
        fields.Float("On-Time Share", digits=(1, 4)), 'get_on_time_share')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('week', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """Sum the volume summary by the dimensions named in the context
        (``volume_dimensions``, all by default)

        A chart by week only reads a row a week instead of a row for each
        service, unit, channel and gender of the week; the dimensions left
        out are empty."""
        pool = Pool()
        Volume = pool.get('ossis.monitoring.summary.volume')
        Unit = pool.get('ossis.administrative_unit')
        volume = Volume.__table__()
        unit = Unit.__table__()
        wanted = Transaction().context.get('volume_dimensions')
        columns, group_by = [], [volume.company]
        for name, column in [
                ('lgu_service', volume.lgu_service),
                ('administrative_unit', volume.administrative_unit),
                ('urban', unit.seat),
                ('channel', volume.channel),
                ('gender', volume.gender),
                ('week', volume.week),
                ('month', volume.month),
                ]:
            if wanted is None or name in wanted:
                columns.append(column.as_(name))
                group_by.append(column)
            else:
                columns.append(Literal(None).as_(name))
        return volume.join(unit, 'LEFT',
            condition=volume.administrative_unit == unit.id
            ).select(*cls._meta_columns(volume), volume.company, *columns,
            *[Sum(getattr(volume, c)).as_(c)
                for c in ['received', 'completed', 'with_due', 'on_time']],
            group_by=group_by)

    def get_on_time_share(self, name):
        return share(self.on_time, self.with_due)
