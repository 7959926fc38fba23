# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The WSGI application of OSSIS for gunicorn: ``ossis.wsgi:app``

trytond's own application (trytond.application:app, configured the same way
through TRYTOND_CONFIG, TRYTOND_DATABASE_NAMES...) with the fixes of OSSIS
(see connections.py).
"""
# Importing trytond.config reads the files of TRYTOND_CONFIG
from trytond import config  # noqa: F401

from . import connections

connections.install()

from trytond.application import app  # noqa: E402

__all__ = ['app']
