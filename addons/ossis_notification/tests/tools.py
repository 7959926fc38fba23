# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test helpers of the notifications"
import datetime as dt
import os
from types import SimpleNamespace

import trytond.config as config
from trytond.pool import Pool
from trytond.tools import find_path

TRACKING_CODE = 'K7M2Q-9XR4T-B8N3W-D5H6J'


def load_albanian():
    "Load the Albanian texts, which a test database does not load itself"
    Translation = Pool().get('ir.translation')
    path = find_path(os.path.join('ossis_notification', 'locale', 'sq.po'))
    Translation.translation_import('sq', 'ossis_notification', [path])


def person(name="Arta Hoxha", email='arta.hoxha@example.al',
        phone='069 123 4567', language='sq'):
    "An applicant as the notifications read it"
    return SimpleNamespace(
        name=name, email=email, phone=phone, language=language)


def application(company, number='ELB-2026-000042', applicant=None,
        representative=None, service="Building Permit",
        due_date=dt.date(2026, 12, 18), decision=None,
        tracking_code=TRACKING_CODE):
    """An application as the notifications read it: the attributes of
    ossis.application that they use"""
    return SimpleNamespace(
        company=company,
        number=number,
        tracking_code=tracking_code,
        service=SimpleNamespace(name=service),
        applicant=applicant if applicant is not None else person(),
        representative=representative,
        due_date=due_date,
        decision=decision)


class Settings:
    """Set options of the trytond configuration and put the previous values
    back at the end (an option that was not set becomes empty)"""

    def __init__(self, **sections):
        self.sections = sections
        self.saved = []
        self.added = []

    def __enter__(self):
        for section, options in self.sections.items():
            if not config.has_section(section):
                config.add_section(section)
                self.added.append(section)
            for option, value in options.items():
                self.saved.append(
                    (section, option, config.get(section, option)))
                config.set(section, option, value)
        return self

    def __exit__(self, *exc):
        for section, option, value in reversed(self.saved):
            if section not in self.added:
                config.set(section, option, value or '')
        for section in self.added:
            config.remove_section(section)
        # trytond caches the values it read
        config.set('database', 'uri', config.get('database', 'uri'))
        self.saved.clear()
        self.added.clear()
