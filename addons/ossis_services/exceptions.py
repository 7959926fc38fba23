# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ServiceValidationError(ValidationError):
    pass


class ServiceModificationError(AccessError):
    pass


class OfferValidationError(ValidationError):
    pass


class CatalogueImportError(UserError):
    pass
