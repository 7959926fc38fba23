# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test that the applications of a practice municipality count nowhere"""
import datetime as dt

from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.scenario import (
    ProcessTestMixin, as_staff)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

SUMMARIES = ['volume', 'days', 'rating', 'municipality', 'municipality_days']
FIGURES = [
    'ossis.monitoring.backlog', 'ossis.monitoring.workload',
    'ossis.monitoring.overdue_trend', 'ossis.monitoring.volume',
    'ossis.monitoring.service_time', 'ossis.monitoring.processing_days',
    'ossis.monitoring.municipality', 'ossis.monitoring.feedback',
    ]


class PracticeMunicipalityTestCase(ProcessTestMixin, ModuleTestCase):
    "Test the figures leave out the practice municipality"
    module = 'ossis_monitoring'
    extras = []

    def figures(self):
        "Return every figure the national team reads, as comparable values"
        pool = Pool()
        result = {}
        for name in SUMMARIES:
            Summary = pool.get(f'ossis.monitoring.summary.{name}')
            result[name] = Summary.totals()
        for name in FIGURES:
            Figure = pool.get(name)
            fields_ = [f for f in Figure._fields
                if f not in {'id', 'create_date', 'write_date', 'rec_name'}
                and not hasattr(Figure._fields[f], 'getter')]
            # The ids of the figures change when they are rebuilt
            result[name] = sorted(
                tuple(sorted((k, v) for k, v in r.items() if k != 'id'))
                for r in Figure.search_read([], fields_names=fields_))
        return result

    def practice(self, setup):
        "Drive applications of the municipality into every kind of figure"
        pool = Pool()
        Application = pool.get('ossis.application')
        delivered = self.delivered(setup, serial=9001)
        with as_staff(setup.front):
            Application.record_feedback([delivered], 2)
        running = self.submitted(setup, serial=9002)
        with as_staff(setup.back):
            Application.act([running], 'forward')
        late = self.submitted(setup, serial=9003)
        table = Application.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.due_date], [dt.date.today() - dt.timedelta(days=9)],
                where=table.id == late.id))

    @with_transaction()
    def test_practice_counts_nowhere(self):
        """Applications of a practice municipality change no summary,
        dashboard, comparison or report; rebuilding leaves them out too"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Company = pool.get('company.company')
        Report = pool.get('ossis.monitoring.monthly_report')
        real = scenario.municipality('elbasan')
        self.delivered(real, serial=1)
        self.submitted(real, serial=2)
        practice = scenario.municipality('pogradec')
        Company.write([practice.company], {'ossis_practice': True})
        before = self.figures()
        self.assertTrue(before['volume'])

        self.practice(practice)
        self.assertEqual(self.figures(), before)
        Application.rebuild_summaries()
        self.assertEqual(self.figures(), before)
        self.assertEqual(Application.summary_differences(), [])

        # Its monthly report is not made, nor does it count nationally
        month = (dt.date.today().replace(day=1) - dt.timedelta(days=1))
        reports = Report.generate(month.replace(day=1), [practice.company])
        self.assertNotIn(
            practice.company,
            [getattr(r, 'company', None) for r in reports])

    @with_transaction()
    def test_flag_moves_figures(self):
        """A municipality made a practice one leaves the figures with the
        applications it has, and joins them again when it is no longer"""
        pool = Pool()
        Company = pool.get('company.company')
        Volume = pool.get('ossis.monitoring.summary.volume')
        setup = scenario.municipality('elbasan')
        self.delivered(setup)
        company = [setup.company.id]
        counted = Volume.totals(company)
        self.assertTrue(counted)

        Company.write([setup.company], {'ossis_practice': True})
        self.assertEqual(Volume.totals(company), {})

        Company.write([setup.company], {'ossis_practice': False})
        self.assertEqual(Volume.totals(company), counted)


del ModuleTestCase
