# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"What the models need to know of a learner"
from trytond.i18n import gettext

from .exceptions import LearnerError


def learner_company(user):
    """Return the municipality of the learner, whose trainers follow them

    A learner's progress and attempts belong to it; an account without a
    municipality (a technical account) cannot learn."""
    if not user.company:
        raise LearnerError(gettext(
                'ossis_training.msg_learner_no_company', user=user.rec_name))
    return user.company
