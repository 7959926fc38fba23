# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The electronic seals of the demo

When the configuration names a folder of seals (``[ossis_seal] directory``,
which "make demo" sets to var/seal), the demo makes there a demo
certification authority and a seal certificate of each pilot municipality,
so that the outputs it issues are sealed; the authority's certificate goes
to the ``trust`` file of the portal's verification.  They are made once:
when a seal is missing, all are made again.  A real municipality installs
the certificate of a qualified trust service provider instead (see
config/production.conf.example)."""
import os
import secrets


def setup(companies, report):
    """Make the seals of the municipalities ({code: company}) unless they
    are there"""
    from trytond import config
    from trytond.modules.ossis_application.seal import SECTION
    from trytond.modules.ossis_application.tests.certificates import (
        install_seal, make_authority, write_pem)
    from trytond.transaction import Transaction

    directory = config.get(SECTION, 'directory')
    if not directory:
        return
    paths = [os.path.join(directory, f'{code}.p12') for code in companies]
    if all(os.path.exists(p) for p in paths):
        return
    os.makedirs(directory, mode=0o700, exist_ok=True)
    authority = make_authority("OSSIS Demo Certification Authority")
    for code, company in companies.items():
        # The certificate names the municipality in Albanian
        with Transaction().set_context(language='sq'):
            company = company.__class__(company.id)
            name = company.official_name or company.rec_name
        install_seal(
            directory, code, name, secrets.token_urlsafe(16), authority)
    trust = config.get(SECTION, 'trust')
    if trust:
        write_pem(trust, [authority[0]])
    report(f"Electronic seals of {', '.join(companies)} made in {directory}")
