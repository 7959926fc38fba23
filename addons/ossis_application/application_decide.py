# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


class DecideStart(ModelView):
    "Decide on Application"
    __name__ = 'ossis.application.decide.start'

    decision = fields.Selection([
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "Decision", readonly=True)
    decision_text = fields.Text(
        "Decision Text",
        states={
            'required': Eval('decision') == 'rejected',
            },
        help="The reasons of the decision, printed on the output. "
        "Required for a refusal.")


def decide_view(string, icon):
    "Return the dialog of the decision with the button that takes it"
    return StateView(
        'ossis.application.decide.start',
        'ossis_application.application_decide_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button(string, 'decide', icon, default=True),
            ])


class _Decide(Wizard):
    "Write the decision text and take the decision of the action"
    # The decision and the application's method that takes it
    decision = None
    decide_method = None

    decide = StateTransition()

    def default_start(self, fields):
        return {
            'decision': self.decision,
            'decision_text': self.record.decision_text,
            }

    def transition_decide(self):
        pool = Pool()
        Application = pool.get('ossis.application')
        # The user's rights are checked as for a click on the button
        with check_access():
            Application.write(
                self.records, {'decision_text': self.start.decision_text})
            getattr(Application, self.decide_method)(
                Application.browse(self.records))
        return 'end'


class Approve(_Decide):
    "Approve Application"
    __name__ = 'ossis.application.approve'
    decision = 'approved'
    decide_method = 'approve'

    start = decide_view("Approve", 'tryton-ok')


class Reject(_Decide):
    "Reject Application"
    __name__ = 'ossis.application.reject'
    decision = 'rejected'
    decide_method = 'reject'

    start = decide_view("Reject", 'tryton-close')
