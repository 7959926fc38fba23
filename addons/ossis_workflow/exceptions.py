# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class WorkflowValidationError(ValidationError):
    pass


class WorkflowActivationError(UserError):
    pass


class WorkflowImportError(UserError):
    pass


class WorkflowAccessError(AccessError):
    pass
