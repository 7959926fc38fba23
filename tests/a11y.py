# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The accessibility check of a page: axe-core run in Chromium against the
rules of WCAG 2.0 and 2.1, levels A and AA

axe-core is installed from npm by "make setup-test" into .web/axe.  The
portal's Content-Security-Policy forbids injected scripts, so the browser
context that checks pages bypasses it (``new_context(bypass_csp=True)``).
"""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get('OSSIS_AXE') or ROOT / '.web' / 'axe' / 'axe.min.js')
WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']


def axe_violations(page):
    "Return the violations of WCAG 2.1 AA that axe-core finds on the page"
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run \"make setup-test\"", pytrace=False)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""", WCAG_AA)
    return result['violations']


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): "
            f"{violation['help']}")
        for node in violation['nodes'][:5]:
            lines.append(f"    {node['html'][:160]}")
            if node.get('failureSummary'):
                lines.append(
                    '      ' + node['failureSummary'].replace('\n', ' '))
    return '\n'.join(lines)


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, (
        f"{page.url} breaks WCAG 2.1 AA:\n" + describe(violations))
