# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""trytond's caches keyed by the context ignore the records of a wizard

A trytond ``Cache`` made with ``context=True`` (the default) keys its
values with the transaction's context.  The clients put in the context of
a wizard the records it runs on (``active_id``, ``active_ids``,
``active_model``), which differ at each call, so every such cache missed
in every wizard call: the names of the models (which each log line of the
call validates), the triggers of each model written, the wizard's view...
No cached value of trytond, of its modules or of OSSIS depends on them:
the functions that use them read them from the context themselves.

Importing this module (``ossis_base`` does) adds them to the keys that
trytond's caches ignore.  See doc/design.rst: a candidate for trytond.
"""
from trytond.cache import BaseCache

RECORD_KEYS = frozenset({'active_id', 'active_ids', 'active_model'})


def install():
    "Make trytond's caches ignore the records of the context"
    BaseCache.context_ignored_keys = (
        set(BaseCache.context_ignored_keys) | RECORD_KEYS)


install()
