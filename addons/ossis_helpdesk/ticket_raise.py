# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .ticket import PRIORITIES


def context_values(user, application=None):
    """Return the context a ticket records: the municipality, the roles of
    the user, and the service, workflow version and step of the application
    with the last error the user was shown"""
    pool = Pool()
    UserError = pool.get('ossis.helpdesk.user_error')
    company = Transaction().context.get('company')
    values = {
        'reporter': user.id,
        'company': application.company.id if application else company,
        'roles': ', '.join(sorted(g.name for g in user.groups)),
        'last_error': UserError.last(user.id),
        }
    if application:
        values.update({
                'application': application.id,
                'service_name': (
                    application.lgu_service.rec_name
                    if application.lgu_service else None),
                'workflow_version': (
                    application.workflow.rec_name
                    if application.workflow else None),
                'step_name': (
                    application.step.rec_name if application.step else None),
                })
    return values


class TicketRaiseStart(ModelView):
    "Raise a Ticket"
    __name__ = 'ossis.helpdesk.ticket.raise.start'
    __string__ = "Raise a Ticket"

    subject = fields.Char("Subject", required=True)
    description = fields.Text(
        "Description", required=True,
        help="What you were doing, what you expected and what happened.")
    category = fields.Many2One(
        'ossis.helpdesk.category', "Category", required=True)
    priority = fields.Selection(PRIORITIES, "Priority", required=True)
    company = fields.Many2One(
        'company.company', "Municipality", readonly=True)
    application = fields.Many2One(
        'ossis.application', "Application", readonly=True)
    roles = fields.Char("Roles", readonly=True)
    service_name = fields.Char("Service", readonly=True)
    workflow_version = fields.Char("Workflow Version", readonly=True)
    step_name = fields.Char("Step", readonly=True)
    last_error = fields.Text("Last Error", readonly=True)


class TicketRaise(Wizard):
    """Raise a Ticket

    From anywhere in the staff client, or from an application's form with
    the application and its context attached."""
    __name__ = 'ossis.helpdesk.ticket.raise'

    start = StateView(
        'ossis.helpdesk.ticket.raise.start',
        'ossis_helpdesk.ticket_raise_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Raise", 'raise_', 'tryton-ok', default=True),
            ])
    raise_ = StateTransition()
    open_ = StateAction('ossis_helpdesk.act_ticket_form')

    def _application(self):
        if self.model and self.model.__name__ == 'ossis.application':
            return self.record

    def default_start(self, fields):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        values = context_values(user, self._application())
        values.pop('reporter')
        values['priority'] = 'normal'
        return values

    def transition_raise_(self):
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        User = pool.get('res.user')
        user = User(Transaction().user)
        values = context_values(user, self._application())
        values.update({
                'subject': self.start.subject,
                'description': self.start.description,
                'category': self.start.category.id,
                'priority': self.start.priority,
                'channel': 'staff',
                })
        self.ticket, = Ticket.create([values])
        return 'open_'

    def do_open_(self, action):
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', '=', self.ticket.id)])
        return action, {'res_id': [self.ticket.id]}
