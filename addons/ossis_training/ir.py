# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

# The models whose record rules name the user (Eval('user_id')): a
# learner's own progress, attempts and certificates, a trainer's sessions
USER_MODELS = {
    'ossis.training.lesson.progress',
    'ossis.training.quiz.attempt',
    'ossis.training.session',
    'ossis.training.session.attendee',
    'ossis.training.certificate',
    }


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in USER_MODELS:
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & USER_MODELS:
            key = (*key, Transaction().user)
        return key
