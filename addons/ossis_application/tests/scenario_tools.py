# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the scenarios of applications (scenario_*.rst), through
proteus; the municipality is set up by those of ossis_services"""
from proteus import Model
from proteus.config import get_config

from trytond.modules.ossis_services.tests.tools import load_albanian
from trytond.transaction import Transaction


def file_application(offer, name, identifier, config=None):
    """File at the desk of the current user (a front office clerk) the
    application of a new applicant for the offer, with every document
    received and the fee paid, and submit it"""
    Applicant = Model.get('ossis.applicant', config=config)
    Application = Model.get('ossis.application', config=config)
    Offer = Model.get('ossis.lgu.service', config=config)
    applicant = Applicant(name=name, identifier=identifier)
    applicant.save()
    application = Application(applicant=applicant)
    application.lgu_service = Offer(offer.id)
    for document in application.documents:
        document.status = 'received'
    if application.fee_state == 'due':
        application.fee_state = 'paid'
        application.fee_receipt = f'R-{identifier}'
    application.click('submit')
    return application


def load_albanian_translations(config=None):
    """Load the Albanian translations of the activated modules, which a test
    database does not load by itself"""
    config = config or get_config()
    with Transaction().start(config.database_name, 0) as transaction:
        load_albanian()
        transaction.commit()
