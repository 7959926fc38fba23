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


class ApplicantValidationError(ValidationError):
    pass


class WorkflowValidationError(ValidationError):
    pass


class WorkflowActivationError(UserError):
    pass


class ApplicationValidationError(ValidationError):
    pass


class ApplicationActionError(UserError):
    pass


class ApplicationAccessError(AccessError):
    pass


class HistoryModificationError(AccessError):
    pass


class ApplicationReportError(UserError):
    pass


class ExternalApplicationError(ValidationError):
    pass


class WorkflowImportError(UserError):
    pass


class WorkflowMigrationError(UserError):
    pass


class WorkflowMigrationAccessError(AccessError):
    pass
