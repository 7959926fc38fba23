# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin, MadeByProcessMixin
from trytond.pool import Pool

from .exceptions import HistoryModificationError

HISTORY_ACTIONS = [
    ('submit', "Submitted"),
    ('forward', "Forwarded"),
    ('return', "Returned for Completion"),
    ('request_info', "Information Requested"),
    ('ask_opinion', "Opinion Asked"),
    ('approve', "Approved"),
    ('reject', "Rejected"),
    ('withdraw', "Withdrawn"),
    ('resume', "Applicant Answered"),
    ('issue', "Output Issued"),
    ('deliver', "Delivered"),
    ('close', "Closed"),
    ('cancel', "Cancelled"),
    ('migrate', "Moved to a New Workflow Version"),
    ]


class ApplicationHistory(
        MadeByProcessMixin, LGUOwnedMixin, ModelSQL, ModelView):
    """Application History

    What happened to an application: every transition, assignment and
    change of state, with who did it and when.  Rows are written by the
    process only and never change.
    """
    __name__ = 'ossis.application.history'
    __string__ = "Application History"

    application = fields.Many2One(
        'ossis.application', "Application", required=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    user = fields.Many2One('res.user', "User", ondelete='RESTRICT')
    employee = fields.Many2One(
        'company.employee', "Employee", ondelete='RESTRICT')
    action = fields.Selection(HISTORY_ACTIONS, "Action", required=True)
    from_state = fields.Selection('get_states', "From State")
    to_state = fields.Selection('get_states', "To State")
    from_step = fields.Many2One(
        'ossis.workflow.step', "From Step", ondelete='RESTRICT')
    to_step = fields.Many2One(
        'ossis.workflow.step', "To Step", ondelete='RESTRICT')
    assignee = fields.Many2One(
        'company.employee', "Assignee", ondelete='RESTRICT')
    comment = fields.Text("Comment")
    message = fields.Text(
        "Message to the Applicant",
        help="What the staff wrote to the applicant with the action.")
    public = fields.Boolean(
        "Shown to the Applicant",
        help="The applicant sees the date, the action, the step in plain "
        "words and the message to the applicant, never the comment nor "
        "the staff.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_states(cls):
        pool = Pool()
        Application = pool.get('ossis.application')
        return Application.fields_get(['state'])['state']['selection']

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise HistoryModificationError(gettext(
                    'ossis_application.msg_history_immutable'))

    def citizen_line(self, language=None):
        "Return the line the applicant reads: date, action and step"
        step = self.to_step or self.from_step
        return {
            'date': self.date,
            'action': self.action,
            'action_name': dict(self.fields_get(
                    ['action'])['action']['selection'])[self.action],
            'step': step.citizen_name or step.name if step else None,
            'state': self.to_state,
            'message': self.message,
            }

    @classmethod
    def citizen_history(cls, application):
        """Return the history the applicant may read: no staff, no
        comments, only public rows"""
        return [h.citizen_line() for h in reversed(application.history)
            if h.public]
