# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Municipalities are isolated over RPC

The users of a municipality (LGU) neither see nor change the records of
another one, whatever they send to the server.  After each refused attempt
the national administrator checks that nothing changed.
"""
import datetime as dt
import uuid

import pytest

from ossis_client import AccessDenied, Error

# model, fields read to check that nothing changed, values of a harmless
# write, values of a new record (without the company)
MODELS = {
    'ossis.org_unit': (
        ['name', 'company', 'type', 'parent', 'write_date'],
        {'name': "Njësi e pushtuar"},
        {'name': "Njësi e huaj", 'type': 'other'}),
    'ossis.administrative_unit': (
        ['name', 'code', 'company', 'kind', 'write_date'],
        {'kind': 'operational'},
        {'name': "Njësi administrative e huaj", 'kind': 'operational'}),
    'ossis.calendar.closure': (
        ['date', 'name', 'company', 'write_date'],
        {'name': "Mbyllje e ndryshuar"},
        {'date': dt.date(2026, 10, 9), 'name': "Mbyllje e huaj"}),
    'company.employee': (
        ['party', 'company', 'position', 'write_date'],
        {'position': "Pozicion i ndryshuar"},
        {'position': "Punonjës i huaj"}),
    }


@pytest.fixture(scope='module')
def national(users):
    return users['national.admin']


@pytest.fixture(scope='module')
def records(users, national, companies):
    """The ids of the records of each municipality by model, with a closure
    day for each (the demo has one for Elbasan only)"""
    closures = {}
    # On different days: moving one into the other municipality must meet
    # the record rule, not the one-closure-a-day constraint
    for code, day in [('elbasan', 30), ('pogradec', 27)]:
        closures[code], = users[f'{code}.admin'].create(
            'ossis.calendar.closure', [{
                    'date': dt.date(2026, 11, day),
                    'name': f"Ditë e qytetit {uuid.uuid4().hex[:6]}",
                    }])
    result = {}
    for code in ['elbasan', 'pogradec']:
        for model in MODELS:
            ids = national.search(model, [
                    ('company', '=', companies[code]),
                    ])
            assert ids, f"the demo has no {model} for {code}"
            result[code, model] = ids
        assert closures[code] in result[code, 'ossis.calendar.closure']
    yield result
    for code, closure in closures.items():
        users[f'{code}.admin'].delete('ossis.calendar.closure', [closure])


def snapshot(national, model, ids):
    return national.read(model, ids, MODELS[model][0])


def lgu_pairs():
    "(user, their municipality, the other municipality)"
    return [
        ('elbasan.admin', 'elbasan', 'pogradec'),
        ('pogradec.admin', 'pogradec', 'elbasan'),
        ('elbasan.front', 'elbasan', 'pogradec'),
        ]


@pytest.mark.parametrize('model', MODELS)
@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_search_shows_no_record_of_another_lgu(
        users, records, companies, login, own, other, model):
    client = users[login]
    theirs = set(records[other, model])
    assert not theirs & set(client.search(model, []))
    assert client.search(model, [('id', 'in', list(theirs))]) == []
    assert client.search(model, [('company', '=', companies[other])]) == []
    assert client.search_count(
        model, [('company', '=', companies[other])]) == 0
    assert client.search_read(
        model, [('company.code', '=', other)], ['id']) == []
    # Their own records are there
    mine = set(client.search(model, []))
    assert set(records[own, model]) <= mine


@pytest.mark.parametrize('model', MODELS)
@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_read_of_another_lgu_is_denied(
        users, records, login, own, other, model):
    client = users[login]
    theirs = records[other, model]
    with pytest.raises(AccessDenied):
        client.read(model, theirs, ['id'])
    with pytest.raises(AccessDenied):
        client.read(model, theirs[:1], MODELS[model][0])
    # Not even mixed with their own records
    with pytest.raises(AccessDenied):
        client.read(model, records[own, model][:1] + theirs[:1], ['id'])


@pytest.mark.parametrize('model', MODELS)
@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_write_of_another_lgu_is_denied(
        users, national, records, login, own, other, model):
    client = users[login]
    theirs = records[other, model]
    before = snapshot(national, model, theirs)
    values = MODELS[model][1]
    with pytest.raises(AccessDenied):
        client.write(model, theirs, values)
    with pytest.raises(AccessDenied):
        client.write(model, theirs[:1], values)
    assert snapshot(national, model, theirs) == before


@pytest.mark.parametrize('model', MODELS)
@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_delete_of_another_lgu_is_denied(
        users, national, records, login, own, other, model):
    client = users[login]
    theirs = records[other, model]
    before = snapshot(national, model, theirs)
    with pytest.raises(AccessDenied):
        client.delete(model, theirs[:1])
    with pytest.raises(AccessDenied):
        client.delete(model, theirs)
    assert snapshot(national, model, theirs) == before


@pytest.mark.parametrize('model', MODELS)
@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_create_for_another_lgu_is_denied(
        users, national, records, companies, login, own, other, model):
    client = users[login]
    count = national.search_count(model, [])
    values = dict(MODELS[model][2], company=companies[other])
    if model == 'company.employee':
        # An employee needs a party; a new one keeps the test
        # independent of who may read which party
        values['party'] = _new_party(national, "Punonjës i huaj")
    if model == 'ossis.administrative_unit':
        values['code'] = f"{other}.e_huaj_{uuid.uuid4().hex[:6]}"
    try:
        with pytest.raises(AccessDenied):
            client.create(model, [values])
        # Nothing was created
        assert national.search_count(model, []) == count
        assert national.search(model, [
                ('company', '=', companies[other]),
                ]) == records[other, model]
    finally:
        if 'party' in values:
            national.delete('party.party', [values['party']])


@pytest.mark.parametrize('model', MODELS)
@pytest.mark.parametrize('login,own,other', lgu_pairs()[:2])
def test_own_record_cannot_move_to_another_lgu(
        users, national, records, companies, login, own, other, model):
    client = users[login]
    mine = records[own, model][:1]
    before = snapshot(national, model, mine)
    with pytest.raises(AccessDenied):
        client.write(model, mine, {'company': companies[other]})
    assert snapshot(national, model, mine) == before


@pytest.mark.parametrize('login,own,other', lgu_pairs()[:2])
def test_copy_into_another_lgu_is_denied(
        users, national, records, companies, login, own, other):
    client = users[login]
    model = 'ossis.org_unit'
    count = national.search_count(model, [])
    with pytest.raises(AccessDenied):
        client.call(model, 'copy', records[own, model][-1:],
            {'company': companies[other]})
    assert national.search_count(model, []) == count


@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_context_cannot_open_another_lgu(
        connect, records, companies, login, own, other):
    "What a call sends in its context does not widen what the user sees"
    client = connect(login)
    for context in [
            {'company': companies[other]},
            {'company': companies[other], 'company_filter': 'all',
                'companies': [companies[other]], '_companies': [
                    companies[other]]},
            ]:
        for model in MODELS:
            theirs = records[other, model]
            assert not set(theirs) & set(
                client.search(model, [], context=context))
            with pytest.raises(AccessDenied):
                client.read(model, theirs[:1], ['id'], context=context)


@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_preferences_cannot_switch_to_another_lgu(
        connect, records, companies, login, own, other):
    """A user cannot make another municipality their current one through
    their preferences, and sees none of its records after trying"""
    client = connect(login)
    # An integration that sends no company in its context
    bare = connect(login)
    bare.context.pop('company')
    bare.context.pop('employee', None)
    own_preferences = {
        'company': client.context['company'],
        'employee': client.context.get('employee'),
        }
    switched = False
    try:
        try:
            client.call('res.user', 'set_preferences', {
                    'company': companies[other], 'employee': None})
            switched = True
        except Error:
            pass
        leaks = {}
        for name, user in [('without company', bare), ('usual', client)]:
            for model in MODELS:
                seen = set(records[other, model]) & set(
                    user.search(model, []))
                if seen:
                    leaks[name, model] = sorted(seen)
        assert not leaks, (
            f"{login} (companies: {own}) sees records of {other} after "
            f"set_preferences({{'company': {other}}}): {leaks}")
        assert not switched, (
            f"set_preferences made {other} the current company of {login}, "
            f"who works for {own} only")
    finally:
        if switched:
            client.call('res.user', 'set_preferences', own_preferences)


def _new_party(national, name):
    party, = national.create('party.party', [{
                'name': f"{name} {uuid.uuid4().hex[:6]}"}])
    return party


@pytest.mark.parametrize('login,own,other', lgu_pairs())
def test_municipality_of_another_lgu_cannot_be_changed(
        users, national, companies, login, own, other):
    "Every municipality is listed to all, but changed only by its own staff"
    client = users[login]
    # Fields that the data files do not set (those are protected for all)
    fields = ['ossis_status', 'go_live_date', 'nipt', 'write_date']
    before = national.read('company.company', [companies[other]], fields)
    assert client.search('company.company', [
            ('code', '=', other)]) == [companies[other]]
    for values in [
            {'ossis_status': 'suspended'},
            {'go_live_date': dt.date(2026, 1, 1)},
            {'nipt': None},
            ]:
        with pytest.raises(AccessDenied):
            client.write('company.company', [companies[other]], values)
    with pytest.raises(AccessDenied):
        client.delete('company.company', [companies[other]])
    assert national.read(
        'company.company', [companies[other]], fields) == before


def test_municipality_administrator_changes_own_municipality(
        users, national, companies):
    "The administrator of a municipality may change it (the control case)"
    admin = users['pogradec.admin']
    pogradec = companies['pogradec']
    before, = national.read('company.company', [pogradec], ['go_live_date'])
    admin.write('company.company', [pogradec],
        {'go_live_date': dt.date(2027, 3, 1)})
    try:
        after, = national.read('company.company', [pogradec], ['go_live_date'])
        assert after['go_live_date'] == dt.date(2027, 3, 1)
    finally:
        admin.write('company.company', [pogradec],
            {'go_live_date': before['go_live_date']})


@pytest.mark.parametrize('field', ['parent', 'head', 'administrative_unit'])
def test_link_to_another_lgu_record_is_refused_without_revealing_it(
        users, national, records, companies, field):
    """A record of Elbasan cannot point to a record of Pogradec, and the
    refusal does not tell an Elbasan user what the Pogradec record is"""
    client = users['elbasan.admin']
    target_model = {
        'parent': 'ossis.org_unit',
        'head': 'company.employee',
        'administrative_unit': 'ossis.administrative_unit',
        }[field]
    target = records['pogradec', target_model][0]
    target_name, = national.read(target_model, [target], ['rec_name'])
    name = f"Njësi e lidhur {uuid.uuid4().hex[:6]}"
    with pytest.raises(Error) as info:
        client.create('ossis.org_unit', [{
                    'name': name,
                    'type': 'other',
                    field: target,
                    }])
    assert national.search('ossis.org_unit', [('name', '=', name)]) == []
    assert target_name['rec_name'] not in info.value.message, (
        f"the refusal reveals the {target_model} {target} of Pogradec to an "
        f"Elbasan user: {info.value.message!r}")


@pytest.mark.parametrize('model', MODELS)
def test_national_administrator_sees_both_lgus(
        users, national, records, companies, model):
    ids = set(national.search(model, []))
    for code in ['elbasan', 'pogradec']:
        assert set(records[code, model]) <= ids
        rows = national.read(model, records[code, model], ['company'])
        assert {r['company'] for r in rows} == {companies[code]}


def test_national_administrator_sees_every_org_unit_name(national):
    names = [u['name'] for u in national.search_read(
            'ossis.org_unit', [], ['name'])]
    assert any('Elbasan' in n for n in names)
    assert any('Pogradec' in n for n in names)


# The checklist lines of applications and the staff have no municipality
# field of their own: they follow their application and their employee

def lgu_and_system_pairs():
    "The LGU users, and the external system of Elbasan"
    return lgu_pairs() + [('elbasan.system', 'elbasan', 'pogradec')]


@pytest.fixture(scope='module')
def checklist_lines(national, companies):
    "The ids of the checklist lines of each municipality's applications"
    result = {}
    for code in ['elbasan', 'pogradec']:
        result[code] = national.search('ossis.application.document', [
                ('application.company', '=', companies[code]),
                ])
        assert result[code], f"the demo has no checklist line for {code}"
    return result


def checklist_snapshot(national, ids):
    return national.read('ossis.application.document', ids, [
            'application', 'document_type', 'status', 'received_date',
            'note', 'write_date'])


@pytest.mark.parametrize('login,own,other', lgu_and_system_pairs())
def test_checklist_of_another_lgu_is_hidden(
        users, national, checklist_lines, companies, login, own, other):
    "Searching checklist lines tells nothing of another municipality"
    client = users[login]
    model = 'ossis.application.document'
    theirs = checklist_lines[other]
    line, = national.read(model, theirs[:1], [
            'application.applicant.identifier', 'application.number',
            'application.tracking_code'])
    application = line['application.']
    assert not set(theirs) & set(client.search(model, []))
    for domain in [
            [('id', 'in', theirs)],
            [('application.applicant.identifier', '=',
                    application['applicant.']['identifier'])],
            [('application.applicant.name', 'ilike', '%')],
            [('application.number', '=', application['number'])],
            [('application.tracking_code', '=',
                    application['tracking_code'])],
            [('application.company', '=', companies[other])],
            ]:
        assert not set(theirs) & set(client.search(model, domain)), domain
    assert client.search_count(
        model, [('application.company', '=', companies[other])]) == 0
    with pytest.raises(AccessDenied):
        client.read(model, theirs[:1], ['status'])


@pytest.mark.parametrize('login,own,other', lgu_and_system_pairs())
def test_checklist_of_another_lgu_cannot_change(
        users, national, checklist_lines, login, own, other):
    "A checklist line of another municipality is neither changed nor added"
    client = users[login]
    model = 'ossis.application.document'
    theirs = checklist_lines[other][:1]
    before = checklist_snapshot(national, theirs)
    count = national.search_count(model, [])
    status = 'missing' if before[0]['status'] != 'missing' else 'received'
    with pytest.raises(AccessDenied):
        client.write(model, theirs, {'status': status})
    with pytest.raises(AccessDenied):
        client.delete(model, theirs)
    with pytest.raises(AccessDenied):
        client.create(model, [{
                    'application': before[0]['application'],
                    'document_type': before[0]['document_type'],
                    'status': 'received',
                    }])
    assert checklist_snapshot(national, theirs) == before
    assert national.search_count(model, []) == count


@pytest.mark.parametrize('login,own,other', lgu_and_system_pairs())
def test_staff_of_another_lgu_is_hidden(
        users, national, companies, login, own, other):
    """The users of another municipality and the parties of its staff are
    neither listed nor read; the municipality itself is"""
    client = users[login]
    their_users = national.search('res.user', [
            ('login', 'like', f'{other}.%'),
            ])
    their_parties = national.search('party.party', [
            ('employees.company', '=', companies[other]),
            ])
    assert their_users and their_parties
    assert not set(their_users) & set(client.search('res.user', []))
    assert client.search('res.user', [('login', 'like', f'{other}.%')]) == []
    assert not set(their_parties) & set(client.search('party.party', []))
    with pytest.raises(AccessDenied):
        client.read('res.user', their_users[:1], ['login', 'name'])
    with pytest.raises(AccessDenied):
        client.read('party.party', their_parties[:1], ['name'])
    municipality, = client.read(
        'company.company', [companies[other]], ['rec_name', 'party.name'])
    assert municipality['party.']['name']
    # Their own staff are there
    assert client.search('res.user', [('login', 'like', f'{own}.%')])


def test_national_administrator_sees_all_staff(national, companies):
    for code in ['elbasan', 'pogradec']:
        assert national.search('res.user', [('login', 'like', f'{code}.%')])
        assert national.search('party.party', [
                ('employees.company', '=', companies[code]),
                ])
