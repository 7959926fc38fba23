# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test databases built on the cached database of a dependency

Tryton caches the database of each set of activated modules (DB_CACHE) but
builds every set from an empty database: the catalogue, the workflows and
the applications would be installed again for each module that depends on
them.  Here a set missing from the cache starts from the cached database of
its largest OSSIS dependency (built the same way when missing, and cached)
and only its own modules are activated on it.  Activating the modules in
this order is what an update does on a production database."""
import functools

from trytond.modules import get_module_info
from trytond.pool import Pool
from trytond.tests import test_tryton
from trytond.transaction import Transaction

_activate_module = test_tryton.activate_module


@functools.cache
def _closure(module):
    "Return the module and every module it depends on"
    modules = {module}
    for dependency in get_module_info(module).get('depends', []):
        modules |= _closure(dependency)
    return frozenset(modules)


def _base(modules):
    """Return the OSSIS dependency of the modules whose database holds the
    most of theirs, or None"""
    dependencies = set().union(*(_closure(m) for m in modules))
    candidates = [
        m for m in dependencies - set(modules) if m.startswith('ossis_')]
    if not candidates:
        return None
    return max(candidates, key=lambda m: (len(_closure(m)), m))


def activate_module(modules, lang='en'):
    if isinstance(modules, str):
        modules = [modules]
    name = '-'.join(modules)
    if (test_tryton.DB_CACHE and lang == 'en'
            and not test_tryton.db_exist(test_tryton.DB_NAME)):
        if test_tryton.restore_db_cache(name):
            return
        base = _base(modules)
        if base:
            # Leaves the test database with the base's modules activated
            activate_module([base])
            _activate_on_base(modules)
            test_tryton.backup_db_cache(name)
            return
    return _activate_module(modules, lang)


def _activate_on_base(modules):
    """Activate the modules on the test database as Tryton's activation
    does, loading the translations that it loads on an empty database:
    English only, as Albanian is added by ossis_base during the activation"""
    test_tryton.create_db()
    with Transaction().start(
            test_tryton.DB_NAME, 1, close=True) as transaction:
        pool = Pool()
        Module = pool.get('ir.module')
        Module.activate(Module.search([
                    ('name', 'in', modules),
                    ('state', '!=', 'activated'),
                    ]))
        transaction.commit()
        update = [m.name for m in Module.search([
                    ('state', 'in', ['to upgrade', 'to activate']),
                    ])]
        pool.init(update=update, lang=['en'])
        transaction.commit()


test_tryton.activate_module = activate_module
