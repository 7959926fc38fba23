# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applications driven through the process, for tests and benchmarks

The municipality they are filed in is set up by ossis_services'
tests.municipality, whose helpers are available here too.
"""
from trytond.modules.ossis_services.tests.municipality import (  # noqa: F401
    NID, as_staff, employee, municipality, reset_user_cache, staff_user,
    user_context, valid_identifier)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.transaction import Transaction


def applicant(company, serial=1, **values):
    pool = Pool()
    Applicant = pool.get('ossis.applicant')
    values.setdefault('kind', 'person')
    values.setdefault('name', f"Applicant {serial}")
    values.setdefault(
        'identifier', valid_identifier(serial, values['kind']))
    values.setdefault('email', f'applicant{serial}@example.com')
    record, = Applicant.create([dict(company=company.id, **values)])
    return record


def draft(setup, service_code='TAX-05', serial=1, complete=True, **values):
    """Return a new draft application of an applicant at the desk, with
    every document received and the fee paid when complete"""
    pool = Pool()
    Application = pool.get('ossis.application')
    Date = pool.get('ir.date')
    offer = setup.offers[service_code]
    values.setdefault('applicant', applicant(setup.company, serial).id)
    application, = Application.create([dict(
                company=setup.company.id,
                channel='desk',
                desk=setup.desk.id,
                lgu_service=offer.id,
                **values)])
    if complete:
        received = {'status': 'received', 'received_date': Date.today()}
        Application.write([application], {
                'documents': [
                    ('write', [d.id for d in application.documents],
                        received)],
                })
        if application.fee_state == 'due':
            Application.write([application], {
                    'fee_state': 'paid',
                    'fee_receipt': f'R-{serial}',
                    })
    return application


class ProcessTestMixin:
    "Drive applications through the process in tests"

    def submitted(self, setup, serial=1):
        "Return an application submitted at the desk, at the review step"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = draft(setup, serial=serial)
        with as_staff(setup.front):
            Application.submit([Application(application.id)])
        return Application(application.id)

    def delivered(self, setup, serial=1):
        "Return an application decided, issued and delivered"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = self.submitted(setup, serial)
        for user, action in [
                (setup.back, 'forward'),
                (setup.head, 'forward'),
                (setup.head, 'approve')]:
            with as_staff(user):
                Application.act([Application(application.id)], action)
        with as_staff(setup.back):
            Application.issue([Application(application.id)])
        with as_staff(setup.front):
            Application.record_delivery(
                [Application(application.id)], setup.desk, "Applicant")
        application = Application(application.id)
        self.assertEqual(application.state, 'delivered')
        return application

    def search(self, user, domain):
        pool = Pool()
        Application = pool.get('ossis.application')
        with as_staff(user):
            return set(Application.search(domain))

    def search_tabs(self, user, module, xml_id):
        """Return the records of each tab of the window action, by tab name,
        as the user sees them"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        action = ActWindow(ModelData.get_id(module, xml_id))
        Model = pool.get(action.res_model)
        domain = PYSONDecoder({}).decode(action.pyson_domain)
        found = {}
        with as_staff(user):
            for tab in action.act_window_domains:
                tab_domain = PYSONDecoder({}).decode(tab.domain)
                found[tab.name] = Model.search([domain, tab_domain])
        return found

    def history(self, application, action):
        pool = Pool()
        History = pool.get('ossis.application.history')
        return History.search([
                ('application', '=', application.id),
                ('action', '=', action),
                ])


def legal_check(draft, unit_source, days):
    """Add to the draft workflow version a "Legal Check" step of the days
    after its review, which gives it those days: the steps still fit within
    the legal deadline.  Return the review and the new step."""
    pool = Pool()
    Step = pool.get('ossis.workflow.step')
    review = draft.step_of_code('review')
    Step.write([review], {'days': max(review.days - days, 0)})
    legal, = Step.create([{
                'workflow': draft.id,
                'sequence': (review.sequence or 0) + 1,
                'code': 'legal',
                'name': "Legal Check",
                'kind': 'review',
                'unit_source': unit_source,
                'role': 'back_office',
                'days': days,
                }])
    return review, legal


def run_queue():
    """Run the tasks the transaction queued, as the server does after a
    request when no queue worker is configured; return how many ran"""
    pool = Pool()
    Queue = pool.get('ir.queue')
    transaction = Transaction()
    count = 0
    while transaction.tasks:
        Queue(transaction.tasks.pop(0)).run()
        count += 1
    return count
