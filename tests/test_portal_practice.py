# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A practice municipality is never published on the portal"""
import pytest
from portal import Visitor


@pytest.fixture
def visitor(ossis_server):
    return Visitor(ossis_server)


def test_practice_municipality_is_not_published(visitor, users, companies):
    national = users['national.admin']
    polican = companies['polican']
    assert visitor.get('/polican/').status == 200
    national.write('company.company', [polican], {'ossis_practice': True})
    try:
        assert '/polican/' not in visitor.get('/').text
        for path in ['/polican/', '/polican/transparency',
                '/polican/transparency.csv']:
            assert visitor.get(path).status == 404, path
    finally:
        national.write(
            'company.company', [polican], {'ossis_practice': False})
    assert '/polican/' in visitor.get('/').text
