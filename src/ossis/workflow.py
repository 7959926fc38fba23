# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ``ossis workflow`` commands

``ossis workflow lint`` checks the workflow of every service offered by
the municipalities, as the *Check Workflows* wizard does, in a read-only
transaction of the root user.
"""
import sys
import time

from .catalogue import CatalogueError, transaction


def lint(options, out=None):
    """Print the problems of the configurations and a summary line; return
    1 when there are errors, else 0"""
    from trytond.i18n import gettext
    from trytond.modules.ossis_workflow.workflow_lint import (
        lint_configurations, summary)

    out = out or sys.stdout
    with transaction(options, readonly=True) as pool:
        try:
            pool.get('ossis.workflow')
        except KeyError:
            raise CatalogueError(
                f"the module ossis_workflow is not activated in "
                f"{options.database!r}: run 'ossis init -d "
                f"{options.database} -m ossis_workflow'")
        companies = None
        if options.lgu:
            companies = [municipality(pool, options.lgu)]
        service_codes = None
        if options.service:
            service_codes = [service_code(pool, options.service)]
        start = time.perf_counter()
        result = lint_configurations(companies, service_codes)
        seconds = time.perf_counter() - start
        for problem in result:
            label = gettext(f'ossis_workflow.msg_lint_{problem.severity}')
            print(f'{label}: {problem.text()}', file=out)
        print(summary(result)
            + ' ' + gettext('ossis_workflow.msg_lint_time',
                seconds=f'{seconds:.2f}'), file=out)
    return 1 if result.errors else 0


def municipality(pool, code):
    Company = pool.get('company.company')
    company = Company.get_by_code(code)
    if not company:
        codes = [c.code for c in Company.search([], order=[('code', 'ASC')])]
        raise CatalogueError(
            f"unknown municipality {code!r}; the municipalities are: "
            f"{', '.join(codes)}")
    return company


def service_code(pool, code):
    Service = pool.get('ossis.service')
    if not Service.search([('code', '=', code)], limit=1):
        raise CatalogueError(f"unknown service {code!r}")
    return code
