# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run the scenarios of a module (tests/scenario_*.rst) as pytest tests

Each scenario is a doctest run as trytond's load_doc_tests runs them: with
Tryton's doctest setup and checker (a fresh database, dropped at the end),
once per set of globals of the scenario's .json file when it has one.  A
failing example fails the test with the doctest's report.
"""
import doctest
import io
import json
import pathlib

import pytest

from trytond import backend
from trytond.tests.test_tryton import (
    STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)

# Unlike load_doc_tests, not IGNORE_EXCEPTION_DETAIL: the scenarios check
# the messages of the errors
OPTIONFLAGS = (
    doctest.REPORT_ONLY_FIRST_FAILURE
    | doctest.ELLIPSIS
    | doctest.NORMALIZE_WHITESPACE)
if backend.name == 'sqlite':
    OPTIONFLAGS |= STRIP_DECIMAL


def _cases(folder):
    for path in sorted(folder.glob('scenario_*.rst')):
        config = path.with_suffix('.json')
        if config.exists():
            configs = json.loads(config.read_text(encoding='utf-8'))
        else:
            configs = [{}]
        for i, globs in enumerate(configs):
            name = path.stem if len(configs) == 1 else f'{path.stem}-{i}'
            yield pytest.param(path, globs, id=name)


def scenario_test(test_file):
    """Return the pytest test that runs the scenarios (scenario_*.rst) of
    the folder of the test file, e.g. in tests/test_scenario.py:
    ``test_scenario = scenario_test(__file__)``"""
    folder = pathlib.Path(test_file).resolve().parent

    @pytest.mark.parametrize('path, globs', list(_cases(folder)))
    def test_scenario(path, globs):
        "Run the scenario"
        run_scenario(path, globs)
    return test_scenario


def run_scenario(path, globs):
    "Run the scenario of the path, failing with the doctest's report"
    globs = {
        **globs,
        '__name__': '__main__',
        '__file__': str(path),
        }
    test = doctest.DocTestParser().get_doctest(
        path.read_text(encoding='utf-8'), globs, path.name, str(path), 0)
    runner = doctest.DocTestRunner(
        checker=doctest_checker, optionflags=OPTIONFLAGS, verbose=False)
    report = io.StringIO()
    doctest_setup(test)
    try:
        result = runner.run(test, out=report.write, clear_globs=False)
    finally:
        try:
            doctest_teardown(test)
        finally:
            test.globs.clear()
    if result.failed:
        pytest.fail(report.getvalue(), pytrace=False)
