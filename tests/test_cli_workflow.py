# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""``ossis workflow lint`` run as an administrator runs it, on a database
with the module of Elbasan (its organisation and offer, no staff yet) and
the workflows"""
import re

import pytest
from test_cli_catalogue import INIT_TIMEOUT, Ossis

SUMMARY = re.compile(
    r'^(\d+) configurations? checked: (\d+) errors?, (\d+) warnings?\. '
    r'\(\d+\.\d\d s\)$')


@pytest.fixture(scope='module')
def ossis(tmp_path_factory):
    ossis = Ossis(tmp_path_factory.mktemp('ossis'))
    password = ossis.folder / 'password'
    password.write_text('admin-secret\n')
    result = ossis(
        'init', '-d', 'elbasan', '-m', 'ossis_lgu_elbasan', '-m',
        'ossis_workflow',
        '--admin-password-file', password, timeout=INIT_TIMEOUT)
    assert result.returncode == 0, result.stderr
    return ossis


def summary(output):
    *problems, last = output.splitlines()
    match = SUMMARY.match(last)
    assert match, last
    return problems, [int(n) for n in match.groups()]


def test_lint_municipality(ossis):
    "Every offer of Elbasan is checked; without staff, roles are missing"
    result = ossis('workflow', 'lint', '-d', 'elbasan', '--lgu', 'elbasan')

    problems, (configurations, errors, warnings) = summary(result.stdout)
    assert configurations > 0
    assert warnings > 0
    assert result.returncode == (1 if errors else 0), result.stderr
    assert len(problems) == errors + warnings
    assert sum(p.startswith('Error: ') for p in problems) == errors
    assert any(
        p.startswith('Warning: Bashkia Elbasan – AGR-01 – ')
        and 'Nobody with the role "Front Office"' in p
        for p in problems)
    # Online offers without a front desk: no unit for the desk steps
    if errors:
        assert any(
            p.startswith('Error: Bashkia Elbasan – URB-01 – ')
            and 'no unit responsible for the step "Registration"' in p
            for p in problems)


def test_lint_service_in_albanian(ossis):
    "Only one service, with the messages in Albanian"
    result = ossis('workflow', 'lint', '-d', 'elbasan', '--lgu', 'elbasan',
        '--service', 'TAX-05', '-l', 'sq')

    *_, last = result.stdout.splitlines()
    assert last.startswith('1 konfigurim i kontrolluar: '), last


def test_lint_all(ossis):
    "The municipalities without an offer have nothing to check"
    result = ossis('workflow', 'lint', '-d', 'elbasan')
    all_ = summary(result.stdout)[1]
    result = ossis('workflow', 'lint', '-d', 'elbasan', '--lgu', 'elbasan')
    assert summary(result.stdout)[1] == all_


def test_lint_unknown_municipality(ossis):
    result = ossis('workflow', 'lint', '-d', 'elbasan', '--lgu', 'nowhere')

    assert result.returncode == 1
    assert "unknown municipality 'nowhere'" in result.stderr
