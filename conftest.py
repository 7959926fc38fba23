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
import hashlib
import os

from trytond.modules import get_module_info
from trytond.pool import Pool
from trytond.tests import test_tryton
from trytond.transaction import Transaction

_activate_module = test_tryton.activate_module
_db_cache_file = test_tryton._db_cache_file
# On PostgreSQL, the cached databases are template databases of the server,
# named after the content of the checkout (OSSIS_TEST_CACHE_KEY, see the
# Makefile): a template built from other code is never used.
CACHE_KEY = os.environ.get('OSSIS_TEST_CACHE_KEY')


@functools.cache
def _closure(module):
    "Return the module and every module it depends on"
    modules = {module}
    for dependency in get_module_info(module).get('depends', []):
        modules |= _closure(dependency)
    return frozenset(modules)


def _base(modules):
    """Return the OSSIS module, among the modules and their dependencies,
    whose database holds the most of what they need without being all of
    it, or None

    For a set of modules that is one of them, with the others activated on
    its database: the isolation scan of every module starts from the
    database of the largest one."""
    wanted = set().union(*(_closure(m) for m in modules))
    candidates = [
        m for m in wanted
        if m.startswith('ossis_') and _closure(m) != wanted]
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


def db_cache_file(path, name):
    "Return the cache of the modules, a template named after the key"
    if CACHE_KEY and (test_tryton.DB_CACHE or '').startswith('postgresql://'):
        digest = hashlib.shake_128(name.encode('utf-8')).hexdigest(16)
        return f'{test_tryton.DB_CACHE}/ossis-{CACHE_KEY}-{digest}'
    return _db_cache_file(path, name)


test_tryton.activate_module = activate_module
test_tryton._db_cache_file = db_cache_file
