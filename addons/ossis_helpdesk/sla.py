# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The service level clock of a ticket

The clock starts when the ticket is raised and counts the help desk's
working time only.  It stops while the ticket waits for the reporter and
between a resolution and a reopening: the due moments then move by the
working time stopped.  The first reply clock stops at the first reply to the
reporter (or at the resolution), the resolution clock at the resolution.
"""
import datetime as dt

from sql import Literal, Null
from sql.conditionals import Coalesce

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

SLA_STATUSES = [
    (None, ""),
    ('on_track', "On Track"),
    ('at_risk', "At Risk"),
    ('breached', "Breached"),
    ]
DONE_STATES = {'resolved', 'closed'}
# The clock is stopped while waiting for the reporter and once done
STOPPED_STATES = {'waiting', 'resolved', 'closed', 'merged'}
# The fields whose change moves the clock
CLOCK_FIELDS = {'state', 'category', 'priority'}
HOUR = dt.timedelta(hours=1)


class Ticket(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket'

    sla_policy = fields.Many2One(
        'ossis.helpdesk.sla.policy', "Service Level Policy", readonly=True,
        ondelete='RESTRICT',
        help="The policy of the ticket's category and priority.")
    sla_started_at = fields.DateTime(
        "Service Level Start", readonly=True,
        help="When the service level clock started.")
    sla_paused_at = fields.DateTime(
        "Clock Stopped Since", readonly=True,
        help="When the ticket began to wait for the reporter; the clock "
        "is stopped meanwhile.")
    sla_paused = fields.TimeDelta(
        "Working Time Stopped", readonly=True,
        help="The working time the clock was stopped, which moved the due "
        "moments.")
    first_reply_due = fields.DateTime(
        "First Reply Due", readonly=True,
        states={'invisible': ~Eval('sla_policy')})
    first_reply_warn_at = fields.DateTime(
        "First Reply at Risk From", readonly=True,
        states={'invisible': ~Eval('sla_policy')})
    first_replied_at = fields.DateTime(
        "First Replied At", readonly=True,
        help="When the help desk first replied to the reporter.")
    first_reply_hours = fields.Float(
        "First Reply Time", readonly=True,
        help="The working hours until the first reply.")
    resolution_due = fields.DateTime(
        "Resolution Due", readonly=True,
        states={'invisible': ~Eval('sla_policy')})
    resolution_warn_at = fields.DateTime(
        "Resolution at Risk From", readonly=True,
        states={'invisible': ~Eval('sla_policy')})
    resolution_hours = fields.Float(
        "Resolution Time", readonly=True,
        help="The working hours until the resolution, without the time "
        "waited for the reporter.")
    sla_status = fields.Function(fields.Selection(
            SLA_STATUSES, "Service Level", sort=False,
            help="Whether the targets are met: at risk in the last working "
            "hours before a target, breached once a target is missed."),
        'get_sla_status', searcher='search_sla_status')

    @classmethod
    def sla_now(cls):
        "Return the moment the service level clock reads (naive UTC)"
        return dt.datetime.now()

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'sla_policy', 'sla_started_at', 'sla_paused_at',
                'sla_paused', 'first_reply_due', 'first_reply_warn_at',
                'first_replied_at', 'first_reply_hours', 'resolution_due',
                'resolution_warn_at', 'resolution_hours']:
            default.setdefault(name, None)
        return super().copy(tickets, default=default)

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or CLOCK_FIELDS & set(field_names):
            values.update(self._sla_values(
                    self.sla_now(), policy_changed=field_names is None
                    or bool({'category', 'priority'} & set(field_names))))
        return values

    def _sla_values(self, now, policy_changed):
        "Return the clock's values that change at the moment now"
        pool = Pool()
        WorkingHours = pool.get('ossis.helpdesk.working_hours')
        Policy = pool.get('ossis.helpdesk.sla.policy')
        values = {}
        started = self.sla_started_at or now
        paused = self.sla_paused or dt.timedelta(0)
        policy = self.sla_policy
        if not self.sla_started_at:
            values['sla_started_at'] = started
        # An escalation raises the priority: the targets stay those promised
        if policy_changed and not getattr(self, 'escalated_at', None):
            policy = Policy.policy_of(self.category, self.priority)
            values['sla_policy'] = policy.id if policy else None

        if self.state in STOPPED_STATES and not self.sla_paused_at:
            values['sla_paused_at'] = now
        elif self.state not in STOPPED_STATES and self.sla_paused_at:
            paused += WorkingHours.between(self.sla_paused_at, now)
            values['sla_paused_at'] = None
        values['sla_paused'] = paused
        if self.state in DONE_STATES and self.resolution_hours is None:
            stopped_at = self.sla_paused_at or now
            values['resolution_hours'] = self._working_hours(
                started, stopped_at, paused)
        elif self.state not in DONE_STATES and self.resolution_hours:
            values['resolution_hours'] = None

        for name in ['first_reply', 'resolution']:
            values[f'{name}_due'] = values[f'{name}_warn_at'] = None
        if policy:
            targets = {
                'first_reply': policy.first_reply_target,
                'resolution': policy.resolution_target,
                }
            for name, target in targets.items():
                warn = max(target - policy.warning, dt.timedelta(0))
                values[f'{name}_due'] = WorkingHours.add(
                    started, target + paused)
                values[f'{name}_warn_at'] = WorkingHours.add(
                    started, warn + paused)
        return {
            n: v for n, v in values.items() if getattr(self, n, None) != v}

    @classmethod
    def _working_hours(cls, start, end, paused):
        "Return the working hours from start to end less the time paused"
        WorkingHours = Pool().get('ossis.helpdesk.working_hours')
        return (WorkingHours.between(start, end) - paused) / HOUR

    @classmethod
    def reply(cls, tickets, body, kind='reply', attachments=None, **options):
        messages = super().reply(
            tickets, body, kind=kind, attachments=attachments, **options)
        if kind == 'reply':
            cls.record_first_reply(tickets)
        return messages

    @classmethod
    def record_first_reply(cls, tickets):
        "Stop the first reply clock of the tickets not replied to yet"
        now = cls.sla_now()
        to_write = []
        for ticket in tickets:
            if ticket.first_replied_at or not ticket.sla_started_at:
                continue
            to_write.extend([[ticket], {
                        'first_replied_at': now,
                        'first_reply_hours': cls._working_hours(
                            ticket.sla_started_at,
                            ticket.sla_paused_at or now,
                            ticket.sla_paused or dt.timedelta(0)),
                        }])
        if to_write:
            cls.write(*to_write)

    def sla_clock(self, now):
        "Return the moment the clock of the ticket reads at now"
        return self.sla_paused_at or now

    def get_sla_status(self, name):
        if not self.sla_policy or self.state == 'merged':
            return None
        clock = self.sla_clock(self.sla_now())
        replied = self.first_replied_at or clock
        if (replied > self.first_reply_due
                or clock > self.resolution_due):
            return 'breached'
        if self.state not in DONE_STATES and (
                (not self.first_replied_at
                    and clock >= self.first_reply_warn_at)
                or clock >= self.resolution_warn_at):
            return 'at_risk'
        return 'on_track'

    @classmethod
    def sla_conditions(cls, table, now=None):
        """Return the SQL conditions of each status on the table of the
        tickets at the moment now"""
        if now is None:
            now = cls.sla_now()
        clock = Coalesce(table.sla_paused_at, now)
        breached = (
            (Coalesce(table.first_replied_at, clock) > table.first_reply_due)
            | (clock > table.resolution_due))
        at_risk = (~breached
            & ~table.state.in_(list(DONE_STATES))
            & (((table.first_replied_at == Null)
                    & (clock >= table.first_reply_warn_at))
                | (clock >= table.resolution_warn_at)))
        tracked = (table.sla_policy != Null) & (table.state != 'merged')
        return {
            None: ~tracked,
            'breached': tracked & breached,
            'at_risk': tracked & at_risk,
            'on_track': tracked & ~breached & ~at_risk,
            }

    @classmethod
    def search_sla_status(cls, name, clause):
        _, operator, value = clause
        table = cls.__table__()
        conditions = cls.sla_conditions(table)
        values = value if operator in {'in', 'not in'} else [value]
        condition = Literal(False)
        for status in values:
            if status in conditions:
                condition |= conditions[status]
        query = table.select(table.id, where=condition)
        if operator in {'!=', 'not in'}:
            return [('id', 'not in', query)]
        return [('id', 'in', query)]
