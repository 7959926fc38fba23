# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard


class DeliverStart(ModelView):
    "Deliver Output"
    __name__ = 'ossis.application.deliver.start'

    company = fields.Many2One('company.company', "Municipality", readonly=True)
    desk = fields.Many2One(
        'ossis.org_unit', "Front Desk", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '=', 'front_office'),
            ])
    recipient = fields.Char(
        "Handed To", required=True,
        help="The name and identifier of the person who received the "
        "output: the applicant or the representative.")


class Deliver(Wizard):
    "Deliver Output"
    __name__ = 'ossis.application.deliver'

    start = StateView(
        'ossis.application.deliver.start',
        'ossis_application.application_deliver_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Deliver", 'deliver', 'tryton-ok', default=True),
            ])
    deliver = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Application = pool.get('ossis.application')
        application = self.records[0]
        desks = [u for u in Application._user_units()
            if u.type == 'front_office'
            and u.company == application.company]
        desk = application.desk if application.desk in desks else (
            desks[0] if desks else None)
        return {
            'company': application.company.id,
            'desk': desk.id if desk else None,
            'recipient': application.holder_name(),
            }

    def transition_deliver(self):
        pool = Pool()
        Application = pool.get('ossis.application')
        Application.record_delivery(
            self.records, self.start.desk, self.start.recipient)
        return 'end'
