# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import TicketError

RATINGS = [
    ('1', "1 - Very Poor"),
    ('2', "2 - Poor"),
    ('3', "3 - Fair"),
    ('4', "4 - Good"),
    ('5', "5 - Very Good"),
    ]


class Ticket(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket'

    rated_at = fields.DateTime("Rated At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'rate_wizard': {
                    'invisible': ((Eval('state') != 'resolved')
                        | Bool(Eval('rating'))),
                    'depends': ['state', 'rating'],
                    },
                })

    @classmethod
    @ModelView.button_action('ossis_helpdesk.wizard_ticket_rate')
    def rate_wizard(cls, tickets):
        "Rate how the help desk resolved the ticket"
        pass

    @classmethod
    def rate(cls, tickets, rating, comment=None):
        """Record the reporter's rating of the resolution, once

        The reporter reads the ticket but does not change it otherwise."""
        user = Transaction().user
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise TicketError(gettext(
                    'ossis_helpdesk.msg_ticket_rating_range'))
        # The record rules check the user reads the tickets
        cls.read([t.id for t in tickets], ['id'])
        for ticket in tickets:
            if ticket.reporter is None or ticket.reporter.id != user:
                raise TicketError(gettext(
                        'ossis_helpdesk.msg_ticket_rating_reporter',
                        ticket=ticket.rec_name))
            if ticket.state != 'resolved':
                raise TicketError(gettext(
                        'ossis_helpdesk.msg_ticket_rating_resolved',
                        ticket=ticket.rec_name))
            if ticket.rating:
                raise TicketError(gettext(
                        'ossis_helpdesk.msg_ticket_rating_once',
                        ticket=ticket.rec_name))
        with without_check_access():
            cls.write(cls.browse(tickets), {
                    'rating': rating,
                    'rating_comment': comment,
                    'rated_at': dt.datetime.now(),
                    })


class TicketRateStart(ModelView):
    "Rate the Resolution"
    __name__ = 'ossis.helpdesk.ticket.rate.start'
    __string__ = "Rate the Resolution"

    rating = fields.Selection(RATINGS, "Rating", required=True, sort=False)
    comment = fields.Text("Comment")


class TicketRate(Wizard):
    "Rate the Resolution"
    __name__ = 'ossis.helpdesk.ticket.rate'

    start = StateView(
        'ossis.helpdesk.ticket.rate.start',
        'ossis_helpdesk.ticket_rate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Rate", 'rate', 'tryton-ok', default=True),
            ])
    rate = StateTransition()

    def transition_rate(self):
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        Ticket.rate(
            [self.record], int(self.start.rating), self.start.comment)
        return 'end'

    def end(self):
        return 'reload'
