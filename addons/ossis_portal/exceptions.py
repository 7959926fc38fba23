# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class PortalError(UserError):
    "A request of the portal that cannot be served as asked"


class ColourValidationError(ValidationError):
    pass


class OpeningHoursValidationError(ValidationError):
    pass
