# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Python client of OSSIS for external systems

It talks to the XML-RPC interface of the OSSIS server (Tryton 8.0) as one
user, retries the calls the server answers "busy", and raises the errors of
``ossis_client.exceptions``::

    from ossis_client import Client, ValidationError

    with Client('https://ossis.example.al', 'ossis', 'registry.bot',
            password) as client:
        ids = client.search('ossis.org_unit', [('type', '=', 'front_office')])
        for unit in client.read('ossis.org_unit', ids, ['name']):
            print(unit['name'])
"""
from .client import Client
from .exceptions import (
    AccessDenied, ConcurrencyError, ConfirmationRequired, Error, LoginError,
    RecordNotFound, ServerBusy, ServerError, ServerUnreachable,
    TooManyAttempts, ValidationError)

__all__ = [
    'Client', 'Error', 'LoginError', 'TooManyAttempts', 'AccessDenied',
    'RecordNotFound', 'ValidationError', 'ConfirmationRequired',
    'ServerError', 'ServerBusy', 'ServerUnreachable', 'ConcurrencyError',
    ]
