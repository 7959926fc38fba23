# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ApplicantValidationError(ValidationError):
    pass


class ApplicationValidationError(ValidationError):
    pass


class ApplicationActionError(UserError):
    pass


class ApplicationChangedError(UserError):
    "The application moved on since the user saw it"
    pass


class ApplicationAccessError(AccessError):
    pass


class ApplicationDecidedError(AccessError):
    pass


class ApplicationDocumentError(AccessError):
    pass


class HistoryModificationError(AccessError):
    pass


class ApplicationReportError(UserError):
    pass


class DocumentTemplateError(ValidationError):
    "A document template whose placeholders are not valid"


class DocumentTemplateModificationError(AccessError):
    "A published document template is never changed"


class WorkflowMigrationError(UserError):
    pass


class WorkflowMigrationAccessError(AccessError):
    pass


class UploadError(UserError):
    "A file sent by an applicant that is not accepted"


class SealError(UserError):
    "The electronic seal of the municipality cannot be applied"
