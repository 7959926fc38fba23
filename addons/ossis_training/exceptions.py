# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class QuestionValidationError(ValidationError):
    "The answers of a question do not fit its kind"


class QuizValidationError(ValidationError):
    "A quiz's pass mark, attempts or time limit are out of range"


class QuizAttemptError(UserError):
    "A quiz attempt that cannot be started or submitted"


class LearnerError(UserError):
    "A learner who cannot take the courses as asked"


class SessionError(UserError):
    "A training session that cannot change as asked"


class SessionValidationError(ValidationError):
    "A training session with more participants than places"


class RatingError(UserError):
    "A rating of a session refused"


class CertificateError(UserError):
    "A training certificate that cannot change as asked"


class RoleCertificateError(UserError):
    "The group of a role given to a user without its certificate"
