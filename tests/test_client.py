# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Python client (ossis_client) against a real OSSIS server, and its
handling of HTTP errors against a stub server"""
import base64
import datetime as dt
import http.server
import logging
import threading
import time
import uuid
import xmlrpc.client
from decimal import Decimal

import pytest
from ossis_testserver import DEMO_PASSWORD

from ossis_client import (
    AccessDenied, Client, Error, LoginError, RecordNotFound, ServerBusy,
    ServerError, ServerUnreachable, TooManyAttempts, ValidationError)
from ossis_client.client import _decode_class, _dumps, _Unmarshaller

ORG_UNIT = 'ossis.org_unit'
# Seconds within which a login to a database that does not exist is refused
# (the connection pool of trytond waited 30 s on PostgreSQL)
UNKNOWN_DATABASE_LIMIT = 5


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


@pytest.fixture
def elbasan(users):
    return users['elbasan.admin']


@pytest.fixture(scope='module')
def elbasan_units(users):
    "Ids of some org units and the administrative unit of Elbasan's seat"
    national = users['national.admin']
    oss, = national.search(ORG_UNIT, [
            ('company.code', '=', 'elbasan'),
            ('type', '=', 'management'),
            ('name', 'ilike', '%Një Ndalesë%'),
            ])
    seat, = national.search('ossis.administrative_unit', [
            ('code', '=', 'elbasan.elbasan'),
            ])
    return {'oss': oss, 'seat': seat}


def test_login_gives_the_context_of_the_user(elbasan, companies):
    "A demo user logs in and works for their municipality"
    assert isinstance(elbasan.user_id, int)
    assert elbasan.context['company'] == companies['elbasan']
    assert elbasan.context['language'] == 'en'
    assert elbasan.context['employee']


def test_search_and_read_municipalities(elbasan, companies):
    "Every municipality is listed, read in the order of the ids asked"
    ids = elbasan.search('company.company', [
            ('code', 'in', ['pogradec', 'elbasan']),
            ], order=[('code', 'ASC')])
    assert ids == [companies['elbasan'], companies['pogradec']]
    rows = elbasan.read(
        'company.company', list(reversed(ids)), ['code', 'official_name'])
    assert [r['code'] for r in rows] == ['pogradec', 'elbasan']
    assert rows[1]['official_name'] == "Municipality of Elbasan"
    assert elbasan.search_count('company.company', []) == len(companies)

    rows = elbasan.search_read('company.company', [
            ('code', '=', 'elbasan'),
            ], ['code', 'seat', 'ossis_status'])
    assert rows == [{'id': companies['elbasan'], 'code': 'elbasan',
            'seat': 'Elbasan', 'ossis_status': 'pilot'}]


def test_create_write_delete_org_unit(elbasan, elbasan_units, companies):
    "The municipality administrator manages the org units"
    name = unique("Sektori i Testit - Elbasan")
    unit_id, = elbasan.create(ORG_UNIT, [{
                'name': name,
                'type': 'back_office',
                'parent': elbasan_units['oss'],
                'administrative_unit': elbasan_units['seat'],
                }])
    try:
        unit, = elbasan.read(
            ORG_UNIT, [unit_id], ['name', 'company', 'parent', 'type'])
        assert unit == {'id': unit_id, 'name': name,
            'company': companies['elbasan'],
            'parent': elbasan_units['oss'], 'type': 'back_office'}

        elbasan.write(ORG_UNIT, [unit_id], {'name': name + " (renamed)"})
        assert elbasan.search(ORG_UNIT, [
                ('name', '=', name + " (renamed)"),
                ]) == [unit_id]
    finally:
        elbasan.delete(ORG_UNIT, [unit_id])
    assert elbasan.search(ORG_UNIT, [('name', 'like', name + '%')]) == []
    with pytest.raises(RecordNotFound):
        elbasan.read(ORG_UNIT, [unit_id], ['name'])


def test_call_model_methods(elbasan, elbasan_units):
    "Any method the server exposes can be called, with the client context"
    fields = elbasan.call(ORG_UNIT, 'fields_get', ['name', 'type'])
    assert fields['name']['string'] == "Name"
    assert ('front_office', "Front Office Desk") in [
        tuple(s) for s in fields['type']['selection']]
    count = elbasan.call(ORG_UNIT, 'search_count', [
            ('type', '=', 'front_office')])
    assert count == 4
    preferences = elbasan.call('res.user', 'get_preferences', True)
    assert preferences['company'] == elbasan.context['company']


def test_values_keep_their_types(elbasan):
    "Dates, numbers and None go to the server and back unchanged"
    name = unique("Ditë testi")
    date = dt.date(2026, 7, 14)
    closure_id, = elbasan.create('ossis.calendar.closure', [{
                'date': date, 'name': name}])
    try:
        closure, = elbasan.read(
            'ossis.calendar.closure', [closure_id],
            ['date', 'name', 'create_date'])
        assert closure['date'] == date
        assert isinstance(closure['create_date'], dt.datetime)
        assert elbasan.search('ossis.calendar.closure', [
                ('date', '>=', dt.date(2026, 7, 1)),
                ('date', '<', dt.date(2026, 8, 1)),
                ('name', '=', name),
                ]) == [closure_id]
    finally:
        elbasan.delete('ossis.calendar.closure', [closure_id])


def test_wrong_password_is_refused(ossis_server, users, connect):
    "A wrong password raises LoginError and changes nothing"
    national = users['national.admin']
    before = national.search_read(
        'res.user', [('login', '=', 'elbasan.helpdesk')],
        ['login', 'active', 'write_date'])
    with pytest.raises(LoginError) as info:
        connect('elbasan.helpdesk', 'not-the-password')
    assert info.value.http_status == 401
    assert not isinstance(info.value, TooManyAttempts)
    assert "wrong login or password" in str(info.value)
    with pytest.raises(LoginError):
        connect('nobody.at.all', DEMO_PASSWORD)
    assert national.search_read(
        'res.user', [('login', '=', 'elbasan.helpdesk')],
        ['login', 'active', 'write_date']) == before
    # The right password still works
    assert connect('elbasan.helpdesk').context['company']


def test_unknown_database_is_a_login_error(ossis_server):
    """A login to a database that does not exist is refused at once, each
    time: the server does not wait for a connection that cannot come (on
    PostgreSQL, trytond's pool waited 30 s)"""
    for _ in range(2):
        started = time.monotonic()
        with pytest.raises(LoginError, match="no database"):
            Client(ossis_server.url, ossis_server.database + '_missing',
                'elbasan.admin', DEMO_PASSWORD)
        assert time.monotonic() - started < UNKNOWN_DATABASE_LIMIT


def test_front_office_cannot_manage_org_units(users, elbasan_units):
    "A front office operator reads the org units but cannot change them"
    front = users['elbasan.front']
    admin = users['elbasan.admin']
    name = unique("Sporteli i paautorizuar - Elbasan")
    with pytest.raises(AccessDenied) as info:
        front.create(ORG_UNIT, [{
                    'name': name,
                    'type': 'back_office',
                    'administrative_unit': elbasan_units['seat'],
                    }])
    assert not isinstance(info.value, RecordNotFound)
    assert 'not allowed' in info.value.message
    assert admin.search(ORG_UNIT, [('name', '=', name)]) == []

    before, = admin.read(ORG_UNIT, [elbasan_units['oss']], ['name'])
    with pytest.raises(AccessDenied):
        front.write(ORG_UNIT, [elbasan_units['oss']], {'name': name})
    with pytest.raises(AccessDenied):
        front.delete(ORG_UNIT, [elbasan_units['oss']])
    assert admin.read(ORG_UNIT, [elbasan_units['oss']], ['name']) == [before]


def test_method_not_exposed_is_denied(elbasan, companies):
    "A method the server does not expose is refused with HTTP 403"
    with pytest.raises(AccessDenied) as info:
        elbasan.call('ossis.calendar', 'add_working_days',
            companies['elbasan'], dt.date(2026, 1, 5), 3)
    assert info.value.http_status == 403


def test_link_to_another_municipality_is_invalid(
        users, elbasan_units, companies):
    "An org unit under another municipality's unit is refused"
    admin = users['elbasan.admin']
    national = users['national.admin']
    pogradec_unit = national.search(ORG_UNIT, [
            ('company.code', '=', 'pogradec')], limit=1)[0]
    name = unique("Njësi e gabuar")
    with pytest.raises(ValidationError) as info:
        admin.create(ORG_UNIT, [{
                    'name': name,
                    'type': 'back_office',
                    'parent': pogradec_unit,
                    'administrative_unit': elbasan_units['seat'],
                    }])
    assert "same municipality" in info.value.message
    assert info.value.fault_code == 1
    assert national.search(ORG_UNIT, [('name', '=', name)]) == []


def test_invalid_nipt_message_is_translated(users, connect, companies):
    "The server explains a wrong NIPT in the language of the client"
    national = users['national.admin']
    elbasan = companies['elbasan']
    before, = national.read('company.company', [elbasan], ['nipt'])
    messages = {}
    for language in ['en', 'sq']:
        client = connect('elbasan.admin', language=language)
        with pytest.raises(ValidationError) as info:
            client.write('company.company', [elbasan], {'nipt': 'K123'})
        messages[language] = info.value.message
    assert messages['en'].startswith('The NIPT "K123" ')
    assert "is not valid" in messages['en']
    assert 'K123' in messages['sq']
    assert messages['sq'] != messages['en'], (
        "the message is not translated into Albanian")
    assert national.read('company.company', [elbasan], ['nipt']) == [before]


def test_required_field_is_a_validation_error(elbasan):
    "A front office desk needs an administrative unit"
    name = unique("Sportel pa njësi")
    with pytest.raises(ValidationError, match="Administrative Unit"):
        elbasan.create(ORG_UNIT, [{'name': name, 'type': 'front_office'}])
    assert elbasan.search(ORG_UNIT, [('name', '=', name)]) == []


def test_expired_session_is_renewed(connect, companies):
    "When the server forgets the session, the client logs in again once"
    client = connect('elbasan.back')
    first = client._authorization
    client._send('common.db.logout', [], auth=True)
    assert client.search('company.company', [
            ('code', '=', 'elbasan')]) == [companies['elbasan']]
    assert client._authorization != first


def test_logout(connect):
    client = connect('elbasan.trainer')
    client.logout()
    client.logout()
    with pytest.raises(Error, match="logged out"):
        client.search(ORG_UNIT, [])


def test_concurrent_writes_are_retried(
        ossis_server, users, elbasan_units, caplog):
    """Threads writing the same record all succeed: the calls the server
    answers "busy" (HTTP 503) are tried again"""
    admin = users['elbasan.admin']
    unit_id, = admin.create(ORG_UNIT, [{
                'name': unique("Njësi e konfliktit"),
                'type': 'other',
                'administrative_unit': elbasan_units['seat'],
                }])
    threads, writes = 8, 25
    rounds = 3 if ossis_server.backend == 'postgresql' else 1
    caplog.set_level(logging.INFO, logger='ossis_client')
    written, errors = [], []

    def work(thread):
        for i in range(writes):
            name = f"Njësi e konfliktit {thread}-{i}"
            try:
                admin.write(ORG_UNIT, [unit_id], {'name': name})
            except Exception as exception:
                errors.append(exception)
            else:
                written.append(name)
    try:
        started = time.monotonic()
        for _ in range(rounds):
            workers = [threading.Thread(target=work, args=(t,))
                for t in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=120)
            assert not any(w.is_alive() for w in workers), "writers hang"
            if _busy_retries(caplog):
                break
        elapsed = time.monotonic() - started
        assert errors == []
        assert len(written) == len(set(written))
        name, = admin.read(ORG_UNIT, [unit_id], ['name'])
        assert name['name'] in written
    finally:
        admin.delete(ORG_UNIT, [unit_id])
    retries = _busy_retries(caplog)
    print(f"{len(written)} writes in {elapsed:.1f}s, {retries} retried "
        f"after HTTP 503 ({ossis_server.backend})")
    if ossis_server.backend == 'postgresql':
        # SQLite makes writers wait for each other; PostgreSQL reports
        # the conflicts, which trytond retries 5 times before HTTP 503.
        assert retries, "no conflict reached the client: nothing was tested"


def _busy_retries(caplog):
    return sum(1 for r in caplog.records
        if r.name == 'ossis_client.client' and 'HTTP 503' in r.getMessage())


# The errors of HTTP against a stub server


class StubServer:
    """An XML-RPC server that answers each call with the next status of its
    script for that method (200 when the script is empty)"""

    def __init__(self):
        self.scripts = {}
        self.calls = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                params, method = xmlrpc.client.loads(body)
                stub.calls.append(
                    (method, self.headers.get('Authorization')))
                script = stub.scripts.get(method, [])
                status = script.pop(0) if script else 200
                if status == 'html':
                    page = b'<html><body>Welcome</body></html>'
                    self.send_response(200)
                    self.send_header('Content-Type', 'text/html')
                    self.send_header('Content-Length', str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                if status != 200:
                    self.send_response(status)
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return
                if method == 'common.db.login':
                    result = [7, uuid.uuid4().hex, None]
                elif method == 'model.res.user.get_preferences':
                    result = {'company': 1, 'language': 'en'}
                else:
                    result = [1, 2, 3]
                data = xmlrpc.client.dumps(
                    (result,), methodresponse=True, allow_none=True)
                data = data.encode('utf-8')
                self.send_response(200)
                self.send_header('Content-Type', 'text/xml')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%s' % self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def methods(self):
        return [m for m, _ in self.calls]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.close()


def stub_client(stub, **options):
    options.setdefault('backoff', 0.01)
    return Client(stub.url, 'db', 'bot', 'secret', timeout=5, **options)


def test_busy_server_is_retried(stub):
    client = stub_client(stub)
    stub.scripts['model.ossis.org_unit.search'] = [503, 503, 503]
    assert client.search(ORG_UNIT, []) == [1, 2, 3]
    assert stub.methods().count('model.ossis.org_unit.search') == 4


def test_busy_server_retries_are_bounded(stub):
    client = stub_client(stub, retries=2)
    stub.scripts['model.ossis.org_unit.write'] = [503] * 10
    started = time.monotonic()
    with pytest.raises(ServerBusy) as info:
        client.write(ORG_UNIT, [1], {'name': "x"})
    assert time.monotonic() - started < 2
    assert info.value.http_status == 503
    assert stub.methods().count('model.ossis.org_unit.write') == 3


def test_busy_login_is_retried(stub):
    stub.scripts['common.db.login'] = [503]
    stub_client(stub)
    assert stub.methods()[:2] == ['common.db.login', 'common.db.login']


def test_too_many_login_attempts(stub):
    stub.scripts['common.db.login'] = [429]
    with pytest.raises(TooManyAttempts) as info:
        stub_client(stub)
    assert isinstance(info.value, LoginError)
    assert info.value.http_status == 429
    assert "too many failed logins" in str(info.value)
    assert stub.methods() == ['common.db.login']


def test_session_refused_twice_is_a_login_error(stub):
    client = stub_client(stub)
    stub.scripts['model.ossis.org_unit.search'] = [401, 401]
    with pytest.raises(LoginError):
        client.search(ORG_UNIT, [])
    assert stub.methods().count('common.db.login') == 2


def test_session_header(stub):
    client = stub_client(stub)
    client.search(ORG_UNIT, [])
    method, authorization = stub.calls[-1]
    kind, token = authorization.split()
    assert kind == 'Session'
    login, user_id, session = (
        base64.b64decode(token).decode().split(':'))
    assert (login, int(user_id)) == ('bot', client.user_id)
    assert stub.calls[0] == ('common.db.login', None)


def test_not_an_xmlrpc_server(stub):
    stub.scripts['common.db.login'] = ['html']
    with pytest.raises(ServerError, match="did not answer in XML-RPC"):
        stub_client(stub)


def test_unreachable_server():
    stub = StubServer()
    url = stub.url
    stub.close()
    with pytest.raises(ServerUnreachable):
        Client(url, 'db', 'bot', 'secret', timeout=2)


def test_values_are_encoded_as_trytond_expects():
    "Dates, times, durations and decimals travel as trytond's structs"
    values = [
        dt.date(2026, 3, 7), Decimal('12.50'), dt.timedelta(hours=1),
        dt.time(8, 30), 2 ** 40, {1: 'a'}, {'b'}, None]
    body = _dumps('model.x.y', values)
    assert ('<member>\n<name>__class__</name>\n<value><string>date'
        '</string></value>\n</member>') in body.decode()
    assert '<biginteger>1099511627776</biginteger>' in body.decode()
    # Once trytond is imported (by the tests of the modules), the global
    # parser of xmlrpc.client decodes the structs itself.
    params, method = xmlrpc.client.loads(body)
    assert method == 'model.x.y'
    assert [_decode_class(p) if isinstance(p, dict) else p
        for p in params] == values[:5] + [{'1': 'a'}, ['b'], None]

    answer = xmlrpc.client.dumps(({
                'date': {'__class__': 'date', 'year': 2026, 'month': 3,
                    'day': 7},
                'duration': {'__class__': 'timedelta', 'seconds': 90},
                }, ), methodresponse=True)
    answer = answer.replace(
        '<struct>', '<struct><member><name>amount</name><value><bigdecimal>'
        '12.50</bigdecimal></value></member>', 1)
    target = _Unmarshaller(use_builtin_types=True)
    parser = xmlrpc.client.ExpatParser(target)
    parser.feed(answer)
    parser.close()
    value, = target.close()
    assert value == {'date': dt.date(2026, 3, 7),
        'duration': dt.timedelta(seconds=90), 'amount': Decimal('12.50')}
