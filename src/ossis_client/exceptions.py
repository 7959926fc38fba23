# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The errors raised by the OSSIS client

Catch ``Error`` to handle them all.  Every error has ``message``: the text
of the server (translated into the language of the client) or of the client.
"""

__all__ = [
    'Error', 'LoginError', 'TooManyAttempts', 'AccessDenied',
    'RecordNotFound', 'ValidationError', 'ConfirmationRequired',
    'ServerError', 'ServerBusy', 'ServerUnreachable', 'ConcurrencyError',
    ]


class Error(Exception):
    "Base class of the errors of the OSSIS client"

    def __init__(self, message, fault_code=None, http_status=None):
        super().__init__(message)
        self.message = message
        #: The code of the XML-RPC fault (1 for user errors), if any
        self.fault_code = fault_code
        #: The HTTP status of the answer, if it was not 200
        self.http_status = http_status

    def __str__(self):
        return self.message


class LoginError(Error):
    """The server refused the login: wrong login or password, unknown
    database, or a session that cannot be renewed"""


class TooManyAttempts(LoginError):
    """The server refuses logins for a while after too many failed attempts
    (HTTP 429): wait before trying again, and check the password"""


class AccessDenied(Error):
    """The user may not do this: no access right on the model, a record
    rule (e.g. a record of another municipality), a method that is not
    callable remotely (HTTP 403)"""


class RecordNotFound(AccessDenied):
    "The records do not exist (anymore)"


class ValidationError(Error):
    """The server refused the data: a required field, a wrong value, a
    business rule; ``message`` explains it in the language of the client"""


class ConfirmationRequired(ValidationError):
    """The server asks the user to confirm something (a Tryton warning);
    an integration cannot answer it: do what a user would do in the web
    client, or ask the administrators"""


class ServerError(Error):
    "Any other failure of the server"


class ConcurrencyError(ServerError):
    """The record was modified by someone else since it was read (only when
    the call sends ``_timestamp`` in its context)"""


class ServerBusy(ServerError):
    """The server answered "service unavailable" (HTTP 503) to every try:
    it was rolled back each time, so the call can safely be made again
    later"""


class ServerUnreachable(ServerError):
    """The server could not be reached or did not answer in time; after a
    timeout the call may or may not have been carried out"""
