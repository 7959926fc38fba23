# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The models that help desk agents read for every municipality: the
# tickets, the calls, their reporters and the applications they were raised
# from (staff read the applications without changing them)
HELPDESK_MODELS = {
    'ossis.helpdesk.ticket',
    'ossis.helpdesk.call',
    'ossis.application',
    'res.user',
    # The errors shown to a user, read by that user only
    'ossis.helpdesk.user_error',
    # The change requests and the workflow versions they open
    'ossis.helpdesk.change_request',
    'ossis.workflow',
    # The articles that answered the tickets
    'ossis.helpdesk.ticket-ossis.helpdesk.article',
    # The figures of the tickets
    'ossis.helpdesk.backlog',
    'ossis.helpdesk.service_level',
    'ossis.helpdesk.agent_load',
    'ossis.helpdesk.article_usage',
    }
# The models that agents read for every municipality without changing them
# there: an agent who also administers a municipality changes only its own.
# The offers, which the change requests change.
HELPDESK_READ_MODELS = {
    'ossis.lgu.service',
    }


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        Team = pool.get('ossis.helpdesk.team')
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        reading = Transaction().context.get('_helpdesk_rule_mode') == 'read'
        if (model_name in HELPDESK_MODELS
                or (model_name in HELPDESK_READ_MODELS and reading)):
            user_id = Transaction().user
            context['user_id'] = user_id
            # The help desk supports every municipality, including those
            # added after the agent joined a team
            if Team.is_agent(user_id):
                context['companies'] = User._all_companies()
        return context

    @classmethod
    def get(cls, model_name, mode='read'):
        # The mode tells _get_context whether the rules are for reading
        with Transaction().set_context(_helpdesk_rule_mode=mode):
            return super().get(model_name, mode=mode)

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & (HELPDESK_MODELS | HELPDESK_READ_MODELS):
            key = (*key, Transaction().user)
        return key


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ossis.helpdesk.ticket|check_service_levels',
                "Check Help Desk Service Levels"))
