# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class InvalidIdentifier(ValidationError):
    pass


class LGUMismatchError(ValidationError):
    "A record links records of two different municipalities"
    pass


class LGUAccessError(AccessError):
    "A record is put in a municipality the user does not work for"
    pass


class CalendarError(UserError):
    pass


class ClosureValidationError(ValidationError):
    pass


class UserCompanyError(ValidationError):
    "A user may only work for the municipalities of their account"
    pass


class BusyError(UserError):
    "Others held what the request needed for too long"
    pass
