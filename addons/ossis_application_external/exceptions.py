# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError, ValidationError


class ExternalApplicationError(ValidationError):
    pass


class TechnicalUserLoginError(AccessError):
    "A technical user of another system tried to log in to the web client"

    def __init__(self, message, description=''):
        super().__init__(message, description)
        # The login dialog of the web client shows the first two arguments
        # of an error as its title and details
        self.args = (message, description)
