# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Whether a database already has what ``ossis init`` or ``ossis demo``
would load into it

A fingerprint sums up the files of the modules (with the ones they depend
on), the versions of trytond's packages and the options of the command.
The database keeps the fingerprint of its last successful update in the
table ``ossis_fingerprint``; the same fingerprint means that the same
update would change nothing, and it is skipped.
"""
import hashlib
import os
from contextlib import contextmanager
from importlib import metadata

TABLE = 'ossis_fingerprint'
# The key of the fingerprint of the last update by "ossis init"
INIT = 'init'
# Files that never reach the database
IGNORED_DIRECTORIES = {'__pycache__', 'tests', 'doc'}
IGNORED_SUFFIXES = ('.pyc', '.pyo', '~')


def dependencies(modules):
    "Return the modules with every module they depend on, ir and res too"
    from trytond.modules import get_module_info
    todo, seen = ['ir', 'res', *modules], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            info = get_module_info(name)
        except FileNotFoundError:
            # trytond-admin tells that it is missing
            continue
        seen.add(name)
        todo.extend(info.get('depends', []))
    return sorted(seen)


def module_directories(modules):
    "Return the folder of each module, by name"
    from trytond.modules import get_module_info
    return {name: get_module_info(name)['directory'] for name in modules}


def trytond_versions():
    "Return the installed distributions of Tryton with their versions"
    versions = {}
    for distribution in metadata.distributions():
        name = (distribution.metadata['Name'] or '').lower()
        if name.startswith('trytond'):
            versions[name] = distribution.version
    return sorted(versions.items())


def of_modules(names, *options):
    """Return the fingerprint of the modules, named with the modules they
    depend on, and of the options"""
    return compute(module_directories(names), [*trytond_versions(), *options])


def compute(directories, extras=()):
    """Return the fingerprint of the files in the directories (by name)
    and of the extras"""
    return of_files([
            (f'{name}/{os.path.relpath(path, directory)}', path)
            for name, directory in sorted(directories.items())
            for path in files(directory)], extras)


def of_files(files, extras=()):
    """Return the fingerprint of the files, (label, path) pairs, and of the
    extras (strings or tuples of strings)"""
    digest = hashlib.sha256()
    for label, path in files:
        digest.update(label.encode() + b'\0')
        with open(path, 'rb') as file:
            digest.update(hashlib.sha256(file.read()).digest())
    for extra in extras:
        digest.update(repr(extra).encode() + b'\0')
    return digest.hexdigest()


def files(directory):
    "Return the paths of the files of the directory that matter, in order"
    paths = []
    for root, folders, names in os.walk(directory):
        folders[:] = sorted(
            f for f in folders if f not in IGNORED_DIRECTORIES)
        paths.extend(os.path.join(root, n) for n in sorted(names)
            if not n.endswith(IGNORED_SUFFIXES))
    return paths


def read(database_name, key):
    "Return the fingerprint stored under the key, or None"
    from sql import Table
    table = Table(TABLE)
    with _cursor(database_name) as cursor:
        if not _exists():
            return None
        cursor.execute(*table.select(
                table.value, where=table.name == key))
        row = cursor.fetchone()
    return row[0] if row else None


def write(database_name, key, value):
    "Store the fingerprint under the key; None forgets it"
    from sql import Table
    table = Table(TABLE)
    with _cursor(database_name, commit=True) as cursor:
        if not _exists():
            cursor.execute(
                f'CREATE TABLE {TABLE} ('
                'name VARCHAR(64) PRIMARY KEY, value VARCHAR(64))')
        cursor.execute(*table.delete(where=table.name == key))
        if value is not None:
            cursor.execute(*table.insert(
                    [table.name, table.value], [[key, value]]))


def activated(database_name):
    "Return the names of the modules activated in the database"
    from sql import Table
    table = Table('ir_module')
    with _cursor(database_name) as cursor:
        cursor.execute(*table.select(
                table.name, where=table.state == 'activated'))
        return {name for name, in cursor}


def _exists():
    from trytond import backend
    return backend.TableHandler.table_exist(TABLE)


@contextmanager
def _cursor(database_name, commit=False):
    "Yield a cursor in a transaction of its own, committed when asked"
    from trytond.transaction import Transaction
    with Transaction().start(
            database_name, 0, readonly=not commit) as transaction:
        yield transaction.connection.cursor()
