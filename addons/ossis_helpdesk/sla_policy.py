# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The service levels promised: targets of first reply and resolution in
working hours, by category and priority"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from .exceptions import ServiceLevelPolicyValidationError
from .ticket import PRIORITIES


class ServiceLevelPolicy(DeactivableMixin, ModelSQL, ModelView):
    """Service Level Policy

    The policy of a ticket is the most specific one: of its category and
    priority, else of its category, else of its priority, else the one
    without either."""
    __name__ = 'ossis.helpdesk.sla.policy'
    __string__ = "Service Level Policy"

    name = fields.Char("Name", required=True, translate=True)
    category = fields.Many2One(
        'ossis.helpdesk.category', "Category", ondelete='CASCADE',
        help="The category of the tickets; empty for any category.")
    priority = fields.Selection(
        [(None, "")] + PRIORITIES, "Priority", sort=False,
        help="The priority of the tickets; empty for any priority.")
    first_reply_hours = fields.Float(
        "First Reply Target", required=True,
        help="The working hours within which the reporter gets a first "
        "reply.")
    resolution_hours = fields.Float(
        "Resolution Target", required=True,
        help="The working hours within which the ticket is resolved.")
    warning_hours = fields.Float(
        "Warning Before", required=True,
        help="The working hours before a target is missed at which the "
        "ticket is at risk and its assignee or team is warned.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('category', 'ASC NULLS LAST'),
            ('priority', 'ASC NULLS LAST'),
            ('id', 'ASC'),
            ]

    @classmethod
    def default_warning_hours(cls):
        return 1.0

    @property
    def first_reply_target(self):
        return dt.timedelta(hours=self.first_reply_hours)

    @property
    def resolution_target(self):
        return dt.timedelta(hours=self.resolution_hours)

    @property
    def warning(self):
        return dt.timedelta(hours=self.warning_hours)

    @classmethod
    def validate_fields(cls, policies, field_names):
        super().validate_fields(policies, field_names)
        cls.check_targets(policies, field_names)

    @classmethod
    def validate(cls, policies):
        super().validate(policies)
        cls.check_unique(policies)

    @classmethod
    def check_targets(cls, policies, field_names=None):
        names = {'first_reply_hours', 'resolution_hours', 'warning_hours'}
        if field_names and not (names & set(field_names)):
            return
        for policy in policies:
            if policy.first_reply_hours <= 0 or policy.resolution_hours <= 0:
                raise ServiceLevelPolicyValidationError(gettext(
                        'ossis_helpdesk.msg_sla_policy_target_positive',
                        policy=policy.rec_name))
            if policy.first_reply_hours > policy.resolution_hours:
                raise ServiceLevelPolicyValidationError(gettext(
                        'ossis_helpdesk.msg_sla_policy_reply_after_resolution',
                        policy=policy.rec_name))
            if policy.warning_hours < 0:
                raise ServiceLevelPolicyValidationError(gettext(
                        'ossis_helpdesk.msg_sla_policy_warning_negative',
                        policy=policy.rec_name))

    @classmethod
    def check_unique(cls, policies):
        "A category and priority has one active policy at most"
        for policy in policies:
            if not policy.active:
                continue
            others = cls.search([
                    ('category', '=', policy.category),
                    ('priority', '=', policy.priority),
                    ('id', '!=', policy.id),
                    ])
            if others:
                raise ServiceLevelPolicyValidationError(gettext(
                        'ossis_helpdesk.msg_sla_policy_unique',
                        policy=policy.rec_name,
                        other=others[0].rec_name))

    @classmethod
    def policy_of(cls, category, priority):
        "Return the most specific active policy of the category and priority"
        category_id = category.id if category else None
        candidates = cls.search([
                ('category', 'in', [category_id, None]),
                ('priority', 'in', [priority, None]),
                ])

        def specificity(policy):
            return (policy.category is not None, bool(policy.priority))
        return max(candidates, key=specificity, default=None)
