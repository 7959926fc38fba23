# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the server refuses, over HTTP, with the configuration of the demo

- the technical user of another system (``elbasan.system``) cannot log in
  to the staff web client, nor use its session cookie, and reads no menu,
  while its calls over JSON-RPC (session or HTTP Basic) and XML-RPC work;
- a request from another web origin is refused with HTTP 403, not an
  error 500 with a traceback;
- anonymous callers are not told which databases exist;
- requests larger than the limits of the configuration are refused with
  HTTP 413 and change nothing;
- a long answer over JSON-RPC is gzipped for a client that accepts it, and
  otherwise plain JSON without a gzip header.
"""
import base64
import gzip
import json
import urllib.error
import urllib.request
import xmlrpc.client

import pytest
from ossis_testserver import DEMO_PASSWORD
from sao import submit_login
from test_rpc_applications import checklist, filing

from ossis_client import ServerError

SYSTEM = 'elbasan.system'
APP = 'ossis.application'
REFUSAL = 'is the technical user of another system'
# [request] of config/ossis.conf
MAX_SIZE = 1024 * 1024
MAX_SIZE_AUTHENTICATED = 35 * 1024 * 1024


def post(url, payload, headers=None, content_type='application/json'):
    "POST the payload; return the status, the headers and the body"
    if not isinstance(payload, bytes):
        payload = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=payload, headers={
            'Content-Type': content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def rpc(method, *params):
    return {'id': 1, 'method': method, 'params': list(params)}


def web_client_login(server, user, password=DEMO_PASSWORD):
    "Log in as the web client does: its route and its parameters"
    return post(
        f'{server.url}/{server.database}/session/login',
        rpc('common.db.login', user, {
                'password': password, 'device_cookie': None}, 'en'))


def rpc_session(server, user):
    "Log in over JSON-RPC as another system does; return its session"
    status, _, body = post(
        f'{server.url}/{server.database}/rpc/',
        rpc('common.db.login', user, {'password': DEMO_PASSWORD}, 'en'))
    assert status == 200, body
    user_id, key = json.loads(body)['result'][:2]
    return user_id, key


def authorization(user, user_id, key):
    return 'Session ' + base64.b64encode(
        f'{user}:{user_id}:{key}'.encode()).decode()


def sessions(server, login):
    "The number of sessions of the user, counted by the admin"
    admin = 'Basic ' + base64.b64encode(
        f'admin:{server.admin_password}'.encode()).decode()
    status, _, body = post(
        f'{server.url}/{server.database}/rpc/',
        rpc('model.res.user.search_read', [('login', '=', login)],
            0, None, None, ['sessions'], {}),
        {'Authorization': admin})
    assert status == 200, body
    user, = json.loads(body)['result']
    return user['sessions']


# The technical user of another system and the web client

def test_web_client_login_refuses_technical_user(ossis_server):
    "The web client's login names the technical user and opens no session"
    before = sessions(ossis_server, SYSTEM)
    status, headers, body = web_client_login(ossis_server, SYSTEM)
    assert status == 200, body
    title, details = json.loads(body)['error']
    assert f'The user "{SYSTEM}" {REFUSAL}' in title
    assert 'XML-RPC or JSON-RPC' in title
    assert 'Set-Cookie' not in headers
    assert sessions(ossis_server, SYSTEM) == before


def test_web_client_login_refuses_wrong_password_as_before(ossis_server):
    "A wrong password is refused as for anyone: the refusal tells nothing"
    status, _, body = web_client_login(ossis_server, SYSTEM, 'wrong-one')
    assert status == 401
    assert REFUSAL.encode() not in body


def test_web_client_login_of_staff_opens_session(ossis_server):
    "The staff still log in to the web client"
    status, headers, body = web_client_login(ossis_server, 'elbasan.front')
    assert status == 200, body
    assert json.loads(body)['result'][0]
    assert 'tryton_session=elbasan.front:' in headers['Set-Cookie']


def test_technical_user_session_is_no_web_client_session(ossis_server):
    """The session of an RPC login works in the Authorization header but
    not as the session cookie of the web client"""
    user_id, key = rpc_session(ossis_server, SYSTEM)
    url = f'{ossis_server.url}/{ossis_server.database}/rpc/'
    call = rpc('model.res.user.get_preferences', True, {})
    status, _, body = post(
        url, call, {'Authorization': authorization(SYSTEM, user_id, key)})
    assert status == 200, body
    assert json.loads(body)['result']['company']
    status, _, _ = post(
        url, call, {'Cookie': f'tryton_session={SYSTEM}:{user_id}:{key}'})
    assert status == 401


def test_technical_user_reads_no_menu(users):
    "The technical user sees no menu; a clerk sees the menus of OSSIS"
    assert users[SYSTEM].search('ir.ui.menu', []) == []
    assert users['elbasan.front'].search('ir.ui.menu', [])


def test_technical_user_files_and_follows_over_rpc(ossis_server, users):
    """Its calls still work: XML-RPC with a session, JSON-RPC with HTTP
    Basic authentication on each call"""
    system = users[SYSTEM]
    mandatory, _ = checklist(system)
    filed = system.call(APP, 'submit_external', filing(
            {'URB-01': (mandatory, mandatory)}, attachments=[],
            documents=[
                {'document_type': c, 'status': 'received'}
                for c in mandatory]))
    basic = 'Basic ' + base64.b64encode(
        f'{SYSTEM}:{DEMO_PASSWORD}'.encode()).decode()
    status, _, body = post(
        f'{ossis_server.url}/{ossis_server.database}/rpc/',
        rpc(f'model.{APP}.get_status', [filed['number']],
            {'company': system.context['company']}),
        {'Authorization': basic})
    assert status == 200, body
    status, = json.loads(body)['result']
    assert status['number'] == filed['number']
    assert status['state'] == 'submitted'


def test_web_client_shows_refusal_of_technical_user(ossis_server, page):
    "In the browser, the login dialog says why, and no menu opens"
    submit_login(page, ossis_server, SYSTEM)
    dialog = page.locator('.error-dialog')
    dialog.wait_for()
    assert f'The user "{SYSTEM}" {REFUSAL}' in dialog.inner_text()
    assert page.locator('#menu div.column-char').count() == 0


# Requests from other web origins

def test_foreign_origin_is_refused_with_403(ossis_server, users):
    """A request from another web origin gets HTTP 403 without traceback
    and changes nothing; the same request from the server's own origin
    works"""
    national = users['national.admin']
    user_id, key = rpc_session(ossis_server, 'national.admin')
    url = f'{ossis_server.url}/{ossis_server.database}/rpc/'
    headers = {'Authorization': authorization(
            'national.admin', user_id, key)}
    call = rpc('model.ossis.document.type.create', [{
                'code': 'origin_test', 'name': "Origin test"}],
        national.context)
    offset = ossis_server.log_size()

    status, _, body = post(
        url, call, {**headers, 'Origin': 'https://attacker.example'})
    assert status == 403
    assert b'Traceback' not in body
    assert 'Traceback' not in ossis_server.log_since(offset)
    assert not national.search(
        'ossis.document.type', [('code', '=', 'origin_test')])

    status, _, body = post(url, call, {**headers, 'Origin': ossis_server.url})
    assert status == 200, body
    assert national.search(
        'ossis.document.type', [('code', '=', 'origin_test')])


# The databases and the size of the requests

def test_database_list_is_refused_to_anonymous(ossis_server):
    "Neither JSON-RPC nor XML-RPC tells which databases exist"
    status, _, body = post(
        f'{ossis_server.url}/rpc/', rpc('common.db.list'))
    assert status == 403
    assert ossis_server.database.encode() not in body
    server = xmlrpc.client.ServerProxy(f'{ossis_server.url}/rpc/')
    with pytest.raises(xmlrpc.client.ProtocolError) as refusal:
        server.common.db.list()
    assert refusal.value.errcode == 403


def test_anonymous_request_over_limit_is_refused_with_413(ossis_server):
    "A login of more than 1 MB is refused before it is read"
    status, _, _ = post(
        f'{ossis_server.url}/{ossis_server.database}/rpc/',
        rpc('common.db.login', 'elbasan.front', {
                'password': 'x' * MAX_SIZE}, 'en'))
    assert status == 413


def test_authenticated_request_size(ossis_server, users):
    """A logged-in user's call of 2 MB is answered; one over 35 MB is
    refused with 413 and stores nothing"""
    system = users[SYSTEM]
    national = users['national.admin']
    user_id, key = rpc_session(ossis_server, SYSTEM)
    url = f'{ossis_server.url}/{ossis_server.database}/rpc/'
    headers = {'Authorization': authorization(SYSTEM, user_id, key)}
    context = {'company': system.context['company']}

    status, _, body = post(url, rpc(
            'model.ossis.lgu.service.search',
            [('service_code', '=', 'x' * (2 * MAX_SIZE))], 0, None, None,
            context), headers)
    assert status == 200, body
    assert json.loads(body)['result'] == []

    count = national.search_count(APP, [])
    values = filing({'URB-01': checklist(system)})
    values['attachments'][0]['data'] = base64.b64encode(
        b'%PDF-1.4\n' + b'0' * MAX_SIZE_AUTHENTICATED).decode()
    status, _, _ = post(url, rpc(
            f'model.{APP}.submit_external', values, context), headers)
    assert status == 413
    assert national.search_count(APP, []) == count


def test_xml_rpc_over_limit_is_refused(connect):
    "The Python client gets the refusal of an oversize call as an error"
    system = connect(SYSTEM)
    with pytest.raises(ServerError) as refusal:
        system.search(
            'ossis.lgu.service',
            [('service_code', '=', 'x' * MAX_SIZE_AUTHENTICATED)])
    assert refusal.value.http_status == 413


# Long answers

def test_long_answer_plain_or_gzipped_as_accepted(ossis_server):
    """A long JSON-RPC answer is gzipped for a client that accepts it, and
    plain JSON without a gzip header for one that does not"""
    user_id, key = rpc_session(ossis_server, 'elbasan.back')
    url = f'{ossis_server.url}/{ossis_server.database}/rpc/'
    request = rpc(
        'model.ossis.application.fields_view_get', None, 'form', {})
    headers = {'Authorization': authorization('elbasan.back', user_id, key)}

    status, plain_headers, plain = post(url, request, headers)
    assert status == 200, plain
    assert 'Content-Encoding' not in plain_headers
    assert len(plain) > 1400
    answer = json.loads(plain)['result']

    status, gzip_headers, compressed = post(
        url, request, {**headers, 'Accept-Encoding': 'gzip'})
    assert status == 200, compressed
    assert gzip_headers['Content-Encoding'] == 'gzip'
    assert json.loads(gzip.decompress(compressed))['result'] == answer
