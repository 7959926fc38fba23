# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.wsgi import is_web_client_request
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The rules of these models may test the user ("user_id"): a technical user
# of another system sees only the records it created
USER_RULE_MODELS = {'ossis.application', 'ossis.applicant'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in USER_RULE_MODELS:
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & USER_RULE_MODELS:
            key = (*key, Transaction().user)
        return key


class Session(metaclass=PoolMeta):
    __name__ = 'ir.session'

    @classmethod
    def check(cls, user, key, domain=None):
        pool = Pool()
        User = pool.get('res.user')
        # The session cookie of the web client is never valid for a
        # technical user, even one made from the key of an RPC login
        if is_web_client_request() and User.is_technical(user):
            return None
        return super().check(user, key, domain=domain)
