# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import TicketError
from .ticket import ACTIVE_STATES


class Ticket(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'merge_wizard': {
                    'invisible': ~Eval('state').in_(list(ACTIVE_STATES)),
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button_action('ossis_helpdesk.wizard_ticket_merge')
    def merge_wizard(cls, tickets):
        "Merge the ticket into the ticket it duplicates"
        pass

    @classmethod
    def merge(cls, duplicates, target):
        """Move the messages and the files of the duplicates to the target
        and mark them merged into it"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Message = pool.get('ossis.helpdesk.ticket.message')
        cls.check_state(duplicates, ACTIVE_STATES, 'merge')
        cls.check_state([target], ACTIVE_STATES, 'merge')
        for duplicate in duplicates:
            if duplicate == target or duplicate.company != target.company:
                raise TicketError(gettext(
                        'ossis_helpdesk.msg_ticket_merge_target',
                        ticket=duplicate.rec_name, target=target.rec_name))
        Message.write(
            [m for d in duplicates for m in d.messages],
            {'ticket': target.id})
        attachments = Attachment.search([
                ('resource', 'in', [str(d) for d in duplicates]),
                ])
        Attachment.write(attachments, {'resource': str(target)})
        cls.write(duplicates, {'merged_into': target.id})
        cls._merged(duplicates)
        Message.create([{
                    'ticket': target.id,
                    'kind': 'note',
                    'body': gettext(
                        'ossis_helpdesk.msg_ticket_merged_note',
                        ticket=d.rec_name,
                        description=d.description or ''),
                    } for d in duplicates])

    @classmethod
    @Workflow.transition('merged')
    def _merged(cls, tickets):
        pass


class TicketMergeStart(ModelView):
    "Merge a Duplicate Ticket"
    __name__ = 'ossis.helpdesk.ticket.merge.start'
    __string__ = "Merge a Duplicate Ticket"

    ticket = fields.Many2One(
        'ossis.helpdesk.ticket', "Duplicate", readonly=True)
    company = fields.Many2One(
        'company.company', "Municipality", readonly=True)
    target = fields.Many2One(
        'ossis.helpdesk.ticket', "Merge Into", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('id', '!=', Eval('ticket', -1)),
            ('state', 'in', list(ACTIVE_STATES)),
            ],
        help="The ticket that goes on; the duplicate's messages move to it.")


class TicketMerge(Wizard):
    "Merge a Duplicate Ticket"
    __name__ = 'ossis.helpdesk.ticket.merge'

    start = StateView(
        'ossis.helpdesk.ticket.merge.start',
        'ossis_helpdesk.ticket_merge_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Merge", 'merge', 'tryton-ok', default=True),
            ])
    merge = StateTransition()

    def default_start(self, fields):
        return {
            'ticket': self.record.id,
            'company': self.record.company.id,
            }

    def transition_merge(self):
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        Ticket.merge([self.record], self.start.target)
        return 'end'

    def end(self):
        return 'reload'
