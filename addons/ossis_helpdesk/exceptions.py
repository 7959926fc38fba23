# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class WorkingHoursValidationError(ValidationError):
    pass


class WorkingHoursError(UserError):
    pass


class ServiceLevelPolicyValidationError(ValidationError):
    pass


class TicketError(UserError):
    pass


class ArticleError(UserError):
    pass


class ChangeRequestError(UserError):
    pass


class ChangeRequestAccessError(AccessError):
    pass


class CallError(UserError):
    pass
