# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Opening the applications behind a figure of a dashboard

A click on a bar of a chart (the "graph_open" keyword of the web client),
the relate menu of a figure or a double click on its row run the wizard
"Open Applications" on the records of the figure: it opens the
applications with the domain that each reporting model builds from the
keys of its records.
"""
from trytond.model import Model
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.wizard import StateAction, Wizard

# A domain that matches no application
NOTHING = [('id', '=', -1)]


class ApplicationsMixin:
    "Figures of applications that open the applications they count"
    __slots__ = ()

    @classmethod
    def _applications_keys(cls):
        """Return the fields of the figure that are fields of the
        applications counted, or a dictionary from the one to the other"""
        return ['company']

    @classmethod
    def _applications_base_domain(cls):
        "Return the domain that all the applications counted match"
        return []

    @classmethod
    def _applications_record_domain(cls, record):
        "Return the domain of the applications counted in the record"
        keys = cls._applications_keys()
        if not isinstance(keys, dict):
            keys = {k: k for k in keys}
        domain = []
        for name, application_name in keys.items():
            value = getattr(record, name)
            if isinstance(value, Model):
                value = value.id
            domain.append((application_name, '=', value))
        return domain

    @classmethod
    def applications_domain(cls, records):
        "Return the domain of the applications counted in the records"
        if not records:
            return NOTHING
        return [
            *cls._applications_base_domain(),
            ['OR', *(cls._applications_record_domain(r) for r in records)],
            ]

    @classmethod
    def counted_applications(cls, records):
        "Return the applications counted in the records"
        pool = Pool()
        Application = pool.get('ossis.application')
        return Application.search(
            cls.applications_domain(records), order=[('id', 'ASC')])


class OpenApplications(Wizard):
    "Open Applications"
    __name__ = 'ossis.monitoring.open_applications'
    start_state = 'open_'
    open_ = StateAction('ossis_monitoring.act_application_monitoring')

    def do_open_(self, action):
        action['pyson_domain'] = PYSONEncoder().encode(
            self.model.applications_domain(self.records))
        return action, {}
