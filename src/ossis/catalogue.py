# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ``ossis catalogue`` and ``ossis cpsv`` commands

They work in the process on a database initialised by ``ossis init``: the
pool is loaded once, then the work is done in one transaction of the root
user, committed only when it succeeds.  A file of ``-`` is the standard
input or output.
"""
import contextlib
import sys

NATIONAL_CSV = 'ossis_services/data/municipal_services.csv'


class CatalogueError(Exception):
    pass


@contextlib.contextmanager
def transaction(options, readonly=False):
    """Yield the pool of the database in a transaction of the root user in
    the language of the options; a user error becomes a CatalogueError
    with its translated message"""
    from trytond.exceptions import UserError
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    database = options.database
    pool = Pool(database)
    with Transaction().start(database, 0, readonly=True):
        pool.init()
    try:
        pool.get('ossis.service.catalogue')
    except KeyError:
        raise CatalogueError(
            f"the module ossis_services is not activated in {database!r}: "
            f"run 'ossis init -d {database} -m ossis_services'")
    try:
        with Transaction().start(
                database, 0, readonly=readonly,
                context={'language': options.language}):
            yield pool
    except UserError as exception:
        raise CatalogueError(exception.message) from exception


def read(path):
    "Return the content of the file"
    if path == '-':
        return sys.stdin.buffer.read()
    try:
        with open(path, 'rb') as file:
            return file.read()
    except OSError as exception:
        raise CatalogueError(
            f"cannot read {path}: {exception.strerror}") from exception


def write(path, content):
    "Write the content to the file"
    if path == '-':
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        with open(path, 'wb') as file:
            file.write(content)
    except OSError as exception:
        raise CatalogueError(
            f"cannot write {path}: {exception.strerror}") from exception


def report(path, message):
    "Print the message where it does not mix with the output"
    print(message, file=sys.stderr if path == '-' else sys.stdout)


def get_catalogue(pool, code):
    Catalogue = pool.get('ossis.service.catalogue')
    catalogues = Catalogue.search([('code', '=', code)])
    if not catalogues:
        codes = [c.code for c in Catalogue.search([], order=[('code', 'ASC')])]
        raise CatalogueError(
            f"unknown catalogue {code!r}; the catalogues are: "
            f"{', '.join(codes) or 'none'}")
    return catalogues[0]


def import_csv(options):
    "Import the services of a CSV file into a catalogue"
    from trytond.tools import file_open

    if options.file:
        content = read(options.file)
    else:
        with file_open(NATIONAL_CSV, mode='rb') as file:
            content = file.read()
    with transaction(options) as pool:
        catalogue = get_catalogue(pool, options.catalogue)
        catalogue.import_csv(content)
        print(f"{catalogue.code}: {catalogue.report}")


def export(options):
    "Export the catalogue in the OSSIS exchange format"
    from trytond.modules.ossis_services.exchange import dumps

    with transaction(options, readonly=True) as pool:
        Catalogue = pool.get('ossis.service.catalogue')
        catalogue = get_catalogue(pool, options.catalogue)
        data = Catalogue.export_json(
            catalogue, all_versions=options.all_versions)
    write(options.file, dumps(data))
    report(options.file,
        f"Exported {len(data['services'])} services, "
        f"{len(data['categories'])} categories, "
        f"{len(data['unit_types'])} unit types and "
        f"{len(data['document_types'])} document types of the catalogue "
        f"{data['catalogue']['code']!r} to {options.file}")


def import_(options):
    "Import a catalogue in the OSSIS exchange format"
    from trytond.i18n import gettext

    content = read(options.file)
    with transaction(options) as pool:
        Catalogue = pool.get('ossis.service.catalogue')
        counts = Catalogue.import_json(content)
        print(gettext('ossis_services.msg_import_report', **counts))


def cpsv(options):
    "Export the offer of a municipality in CPSV-AP"
    from trytond.modules.ossis_services.exchange import dumps

    with transaction(options, readonly=True) as pool:
        Company = pool.get('company.company')
        LGUService = pool.get('ossis.lgu.service')
        company = Company.get_by_code(options.lgu)
        if not company:
            codes = [c.code for c in Company.search(
                    [], order=[('code', 'ASC')])]
            raise CatalogueError(
                f"unknown municipality {options.lgu!r}; the municipalities "
                f"are: {', '.join(codes)}")
        document = LGUService.cpsv_ap(
            company, date=options.date, base=options.base_iri)
    services = [
        n for n in document['@graph'] if n['@type'] == 'cpsv:PublicService']
    write(options.file, dumps(document))
    report(options.file,
        f"Exported {len(services)} public services of {options.lgu} "
        f"to {options.file}")
