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
    # The pages keep what they show of a municipality: seen once, it
    # must still go at once
    paths = ['/polican/', '/polican/?q=taksa', '/polican/transparency',
        '/polican/transparency.csv']
    for path in paths:
        assert visitor.get(path).status == 200, path
    national.write('company.company', [polican], {'ossis_practice': True})
    try:
        assert '/polican/' not in visitor.get('/').text
        for path in paths:
            assert visitor.get(path).status == 404, path
    finally:
        national.write(
            'company.company', [polican], {'ossis_practice': False})
    assert '/polican/' in visitor.get('/').text
