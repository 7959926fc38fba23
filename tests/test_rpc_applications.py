# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applications over RPC, as another system and as the staff

The technical user of another system (``elbasan.system``) reads the offer
of Elbasan, files an application with an attachment in one call and follows
it; the demo staff then carry the same application through its whole life
over RPC.  Users who may not act are refused, and each refusal changes
nothing; bad values of a filing are refused and store nothing.
"""
import base64
import contextlib
import datetime as dt
import json
import re
import urllib.request
import uuid

import pytest
from ossis_testserver import DEMO_PASSWORD
from trytond.modules.ossis_application.tests.files import (
    PDF_HTML, pdf, pdf_open_javascript)
from trytond.modules.ossis_base.identifier import check_letter
from trytond.modules.ossis_services.tests.municipality import (
    PERSONAL_NUMBERS, valid_identifier)

from ossis_client import AccessDenied, Error

APP = 'ossis.application'
# A permit of the building permits sector (elbasan.back works there), with
# a fee
SERVICE = 'URB-01'
# A service of another back office unit (agriculture)
OTHER_SERVICE = 'AGR-02'
PDF = pdf("Plan of the works")
STAFF_NAMES = ["Dritan Shehu", "Elona Basha", "Arta Hoxha"]
INTERNAL_COMMENT = "Internal: the designer's licence looks expired"


def new_identifier(kind='person'):
    "Return a new NID (person) or NIPT (business) with its check letter"
    if kind == 'person':
        return valid_identifier(uuid.uuid4().int % PERSONAL_NUMBERS)
    body = f'L{uuid.uuid4().int % 10 ** 8:08d}'
    return body + check_letter(body)


def wrong_identifier(kind='person'):
    "Return an identifier whose check letter is wrong"
    number = new_identifier(kind)
    letter = 'A' if number[-1] != 'A' else 'B'
    return number[:-1] + letter


@pytest.fixture(scope='module')
def national(users):
    return users['national.admin']


@pytest.fixture(scope='module')
def system(users):
    return users['elbasan.system']


def checklist(system, code=SERVICE):
    "The codes of the documents of the service: (mandatory, all)"
    offer, = system.search_read('ossis.lgu.service', [
            ('service_code', '=', code),
            ], ['service'])
    service, = system.read('ossis.service', [offer['service']],
        ['documents'])
    lines = system.read('ossis.service.document', service['documents'],
        ['document_type', 'requirement'])
    types = {t['id']: t['code'] for t in system.read(
            'ossis.document.type',
            [line['document_type'] for line in lines], ['code'])}
    mandatory = [types[line['document_type']] for line in lines
        if line['requirement'] == 'mandatory']
    return mandatory, list(types.values())


@pytest.fixture(scope='module')
def checklists(system):
    "The codes of the documents of each service code: (mandatory, all)"
    return {code: checklist(system, code)
        for code in [SERVICE, OTHER_SERVICE]}


def filing(checklists, code=SERVICE, **values):
    """Return complete values of a filing: the first mandatory document
    comes as an attachment, the others are received"""
    mandatory, _ = checklists[code]
    values.setdefault('service', code)
    values.setdefault('applicant', {
            'kind': 'person',
            'name': f"Besnik Duka {uuid.uuid4().hex[:4]}",
            'identifier': new_identifier(),
            'email': 'besnik.duka@example.com',
            'phone': '+355691234567',
            'language': 'sq',
            })
    values.setdefault('documents', [
            {'document_type': c, 'status': 'received'}
            for c in mandatory[1:]])
    values.setdefault('attachments', [{
                'name': 'plan.pdf',
                'data': base64.b64encode(PDF).decode('ascii'),
                'document_type': mandatory[0],
                }] if mandatory else [])
    values.setdefault('fee_state', 'paid')
    values.setdefault('fee_receipt', f'BKT-{uuid.uuid4().hex[:6]}')
    return values


def snapshot(national, application_id):
    "The state of the application and its history, read by the national admin"
    application, = national.read(APP, [application_id], [
            'state', 'step', 'step_unit', 'decision', 'write_date'])
    history = national.search('ossis.application.history', [
            ('application', '=', application_id),
            ])
    return application, history


def counts(national):
    return {
        'applications': national.search_count(APP, []),
        'applicants': national.search_count('ossis.applicant', []),
        'attachments': national.search_count('ir.attachment', [
                ('resource', 'like', f'{APP},%'),
                ]),
        }


@contextlib.contextmanager
def head_acting_for(users, code=SERVICE):
    """Let elbasan.head act for the unit responsible for the service, as
    the head of the building permits sector does (restored at the end)"""
    national = users['national.admin']
    offer, = users['elbasan.system'].search_read('ossis.lgu.service', [
            ('service_code', '=', code),
            ], ['responsible_unit'])
    unit = offer['responsible_unit']
    head = users['elbasan.head'].context['employee']
    employee, = national.read('company.employee', [head], ['org_units'])
    headed = national.search('ossis.org_unit', [('head', '=', head)])
    added = unit not in employee['org_units'] and unit not in headed
    if added:
        national.write('company.employee', [head], {
                'org_units': [('add', [unit])]})
    try:
        yield unit
    finally:
        if added:
            national.write('company.employee', [head], {
                    'org_units': [('remove', [unit])]})


@pytest.fixture(scope='module')
def head_acts_for_permits(users):
    with head_acting_for(users) as unit:
        yield unit


def test_external_system_reads_the_offer(system, national, companies):
    "The system lists the services Elbasan offers and their documents"
    offers = system.search_read('ossis.lgu.service', [], [
            'service_code', 'service', 'fee', 'days', 'company'])
    assert offers
    assert {o['company'] for o in offers} == {companies['elbasan']}
    assert len(offers) == national.search_count('ossis.lgu.service', [
            ('company', '=', companies['elbasan']),
            ])
    assert SERVICE in {o['service_code'] for o in offers}
    offer = next(o for o in offers if o['service_code'] == SERVICE)
    service, = system.read('ossis.service', [offer['service']], [
            'code', 'name', 'legal_days', 'documents'])
    assert service['code'] == SERVICE
    assert service['documents']
    # Not the staff's history: it names them and has their comments
    with pytest.raises(AccessDenied):
        system.search('ossis.application.history', [])


def test_external_system_and_staff_carry_an_application(
        system, users, national, checklists, head_acts_for_permits):
    """The system files an application with an attachment and follows it;
    the staff carry it over RPC from the review to its closing"""
    values = filing(checklists)
    result = system.call(APP, 'submit_external', values)

    year = dt.date.today().year
    assert re.match(rf'^ELB-{year}-\d{{6}}$', result['number'])
    assert re.match(r'^([0-9A-Z]{5}-){3}[0-9A-Z]{5}$', result['tracking_code'])
    assert result['state'] == 'submitted'
    assert isinstance(result['due_date'], dt.date)
    number, app_id = result['number'], result['id']

    # The application as the system filed it, with its attachment
    application, = system.read(APP, [app_id], [
            'channel', 'desk', 'state', 'fee_state', 'documents_complete',
            'applicant'])
    assert application['channel'] == 'system'
    assert application['desk'] is None
    assert application['documents_complete']
    applicant, = system.read('ossis.applicant', [application['applicant']],
        ['identifier', 'name'])
    assert applicant['identifier'] == values['applicant']['identifier']
    attachment, = system.search_read('ir.attachment', [
            ('resource', '=', f'{APP},{app_id}'),
            ], ['name', 'data'])
    assert attachment['name'] == 'plan.pdf'
    assert bytes(attachment['data']) == PDF

    status, = system.call(APP, 'get_status', [number])
    assert status['number'] == number
    assert status['state'] == 'submitted'
    assert status['state_name'] == "Submitted"
    assert status['step'] == "Being reviewed"
    assert status['due_date'] == result['due_date']
    assert [h['action'] for h in status['history']] == ['submit', 'forward']

    # The back office of the responsible unit asks for information
    back, head, front = (
        users['elbasan.back'], users['elbasan.head'], users['elbasan.front'])
    back.call(APP, 'act', [app_id], 'request_info', INTERNAL_COMMENT)
    status, = system.call(APP, 'get_status', [number])
    assert (status['state'], status['state_name']) == (
        'waiting', "Waiting for the Applicant")
    back.call(APP, 'resume', [app_id])
    back.call(APP, 'forward', [app_id])
    status, = system.call(APP, 'get_status', [number])
    assert (status['state'], status['step']) == (
        'in_progress', "Being approved")

    # The head approves
    head.call(APP, 'forward', [app_id])
    head.call(APP, 'approve', [app_id])
    status, = system.call(APP, 'get_status', [number])
    assert (status['state'], status['decision'], status['decision_name']) \
        == ('decided', 'approved', "Approved")

    # The output is issued, delivered at the desk and the file closed
    back.call(APP, 'issue', [app_id])
    front.run_wizard('ossis.application.deliver', APP, [app_id], 'deliver',
        {'recipient': values['applicant']['name']})
    delivered, = national.read(APP, [app_id], [
            'state', 'delivered_to', 'delivery_desk'])
    assert delivered['state'] == 'delivered'
    assert delivered['delivered_to'] == values['applicant']['name']
    front.call(APP, 'close', [app_id])

    status, = system.call(APP, 'get_status', [number])
    assert (status['state'], status['decision'], status['step']) == (
        'closed', 'approved', None)
    actions = [h['action'] for h in status['history']]
    assert actions == [
        'submit', 'forward', 'request_info', 'resume', 'forward', 'forward',
        'approve', 'issue', 'deliver', 'close']
    # What the applicant may read: no staff, no comments
    for line in status['history']:
        assert set(line) == {
            'date', 'action', 'action_name', 'step', 'state', 'message'}
    text = repr(status)
    for secret in STAFF_NAMES + [INTERNAL_COMMENT]:
        assert secret not in text
    # The staff see who did what
    history = national.search_read('ossis.application.history', [
            ('application', '=', app_id),
            ('action', '=', 'request_info'),
            ], ['comment', 'employee'])
    assert history[0]['comment'] == INTERNAL_COMMENT
    assert history[0]['employee'] == back.context['employee']


@pytest.fixture
def running(system, checklists):
    "A new application of the system, waiting for the review"
    def running(code=SERVICE):
        return system.call(APP, 'submit_external', filing(checklists, code))
    return running


def refused(national, app_id, call):
    "Check the call raises an error and changes nothing; return the error"
    before = snapshot(national, app_id)
    with pytest.raises(Error) as info:
        call()
    assert snapshot(national, app_id) == before
    return info.value


def test_back_office_of_another_unit_cannot_act(
        users, national, running):
    "A back office user acts only on the steps of their unit"
    result = running(OTHER_SERVICE)
    back = users['elbasan.back']
    error = refused(national, result['id'],
        lambda: back.call(APP, 'forward', [result['id']]))
    assert result['number'] in error.message
    refused(national, result['id'],
        lambda: back.call(APP, 'act', [result['id']], 'forward'))
    refused(national, result['id'],
        lambda: back.call(APP, 'act', [result['id']], 'request_info'))


def test_front_office_cannot_write_the_state(users, national, running):
    "The state moves only by the process"
    result = running()
    front = users['elbasan.front']
    for values in [{'state': 'closed'}, {'decision': 'approved'},
            {'step': None}]:
        refused(national, result['id'],
            lambda: front.write(APP, [result['id']], values))


def test_other_municipality_cannot_read_or_act(
        users, national, running, connect):
    "A Pogradec user neither reads nor moves an Elbasan application"
    result = running()
    app_id = result['id']
    pogradec = users['pogradec.front']
    assert pogradec.search(APP, [('number', '=', result['number'])]) == []
    refused(national, app_id,
        lambda: pogradec.read(APP, [app_id], ['state']))
    refused(national, app_id,
        lambda: pogradec.call(APP, 'get_status', [result['number']]))
    for action in ['forward', 'request_info', 'withdraw']:
        refused(national, app_id,
            lambda: pogradec.call(APP, action, [app_id]))
    refused(national, app_id,
        lambda: pogradec.call(APP, 'act', [app_id], 'forward'))
    refused(national, app_id,
        lambda: pogradec.write(APP, [app_id], {'end_reason': "Mine"}))
    # Whatever the context says
    bold = connect('pogradec.admin', context={
            'company': national.search(
                'company.company', [('code', '=', 'elbasan')])[0]})
    refused(national, app_id,
        lambda: bold.call(APP, 'get_status', [result['number']]))


def test_external_system_cannot_act_as_staff(system, national, running):
    "The system files and follows; it does not process"
    result = running()
    for action in ['forward', 'approve', 'issue', 'close']:
        refused(national, result['id'],
            lambda: system.call(APP, action, [result['id']]))
    refused(national, result['id'],
        lambda: system.call(APP, 'act', [result['id']], 'forward'))
    refused(national, result['id'],
        lambda: system.write(APP, [result['id']], {'state': 'closed'}))


@pytest.fixture
def ended_offer(users, system):
    "An offer of Elbasan that ended yesterday (restored at the end)"
    admin = users['elbasan.admin']
    offer, = system.search('ossis.lgu.service', [
            ('service_code', '=', OTHER_SERVICE)])
    before, = admin.read('ossis.lgu.service', [offer],
        ['start_date', 'end_date'])
    admin.write('ossis.lgu.service', [offer], {
            'start_date': None,
            'end_date': dt.date.today() - dt.timedelta(days=1),
            })
    yield OTHER_SERVICE
    admin.write('ossis.lgu.service', [offer], {
            'start_date': before['start_date'],
            'end_date': before['end_date'],
            })


def bad_filings(checklists, ended_offer):
    "(what is wrong, values, a word of the message)"
    mandatory, _ = checklists[SERVICE]
    yield ("unknown service", filing(checklists, service='XYZ-99'),
        'XYZ-99')
    yield ("service not offered", filing(checklists, ended_offer),
        ended_offer)
    yield ("invalid NID", filing(checklists, applicant={
                'kind': 'person', 'name': "Besa Mema",
                'identifier': wrong_identifier()}), "personal number")
    yield ("invalid NIPT", filing(checklists, applicant={
                'kind': 'business', 'name': "Ndërtimi Sh.p.k.",
                'identifier': wrong_identifier('business')}), "NIPT")
    yield ("unknown document type", filing(checklists, documents=[
                {'document_type': 'no_such_document', 'status': 'received'},
                ]), 'no_such_document')
    yield ("wrong document status", filing(checklists, documents=[
                {'document_type': mandatory[-1], 'status': 'lost'},
                ]), 'lost')
    yield ("attachment not in base64", filing(checklists, attachments=[
                {'name': 'plan.pdf', 'data': 'not base64!'}]), 'plan.pdf')
    yield ("unknown key", dict(filing(checklists), colour='blue'), 'colour')
    # Refused at the submission, after the records were created
    yield ("documents missing", filing(checklists, documents=[],
            attachments=[]), 'documents')
    yield ("fee unpaid", filing(checklists, fee_state='due'), 'fee')


def test_bad_filing_is_refused_and_stores_nothing(
        system, national, checklists, ended_offer):
    "Each bad filing gets a clear error and leaves no record behind"
    for what, values, word in bad_filings(checklists, ended_offer):
        before = counts(national)
        with pytest.raises(Error) as info:
            system.call(APP, 'submit_external', values)
        assert word.lower() in info.value.message.lower(), what
        assert counts(national) == before, what
        if 'applicant' in values and isinstance(values['applicant'], dict):
            assert national.search('ossis.applicant', [
                    ('identifier', '=', values['applicant']['identifier']),
                    ]) == [], what


def test_errors_in_the_language_of_the_system(connect, checklists):
    "The error comes in the language of the call"
    system = connect('elbasan.system', language='sq')
    with pytest.raises(Error) as info:
        system.call(APP, 'submit_external',
            filing(checklists, service='XYZ-99'))
    assert "katalogun kombëtar" in info.value.message


def test_staff_cannot_file_as_another_system(
        users, national, checklists):
    "The channel of other systems is only for their technical users"
    before = counts(national)
    with pytest.raises(Error) as info:
        users['elbasan.front'].call(APP, 'submit_external',
            filing(checklists))
    assert "Other System" in info.value.message
    assert counts(national) == before


def test_known_applicant_is_found_by_identifier(
        system, national, checklists):
    "A second filing for the same person reuses the applicant"
    first = system.call(APP, 'submit_external', filing(checklists))
    applicant, = system.read(APP, [first['id']], ['applicant'])
    identifier, = system.read('ossis.applicant', [applicant['applicant']],
        ['identifier'])
    count = national.search_count('ossis.applicant', [])
    second = system.call(APP, 'submit_external', filing(checklists,
            applicant={'kind': 'person', 'name': "Besnik Duka",
                'identifier': identifier['identifier']}))
    assert national.search_count('ossis.applicant', []) == count
    assert system.read(APP, [second['id']], ['applicant'])[0][
        'applicant'] == applicant['applicant']
    statuses = system.call(APP, 'get_status', [
            second['number'], first['number']])
    assert [s['number'] for s in statuses] == [
        second['number'], first['number']]


def test_json_rpc(ossis_server, system, checklists):
    "The same methods answer over JSON-RPC"
    url = f'{ossis_server.url}/{ossis_server.database}/rpc/'
    session = json_rpc_login(url, 'elbasan.system')
    context = {'company': system.context['company'], 'language': 'en'}
    try:
        filed = json_rpc(url, session, f'model.{APP}.submit_external',
            [filing(checklists), context])
        status, = json_rpc(url, session, f'model.{APP}.get_status',
            [[filed['number']], context])
    finally:
        json_rpc(url, session, 'common.db.logout', [])
    assert status['number'] == filed['number']
    assert status['state'] == 'submitted'
    # Dates travel as objects of a class
    assert status['due_date'] == filed['due_date']
    assert status['due_date']['__class__'] == 'date'
    assert [h['action'] for h in status['history']] == ['submit', 'forward']


def json_rpc_login(url, login):
    "Log in and return the Authorization header of the session"
    user_id, token = json_rpc(url, None, 'common.db.login', [
            login, {'password': DEMO_PASSWORD}, 'en'])[:2]
    return 'Session ' + base64.b64encode(
        f'{login}:{user_id}:{token}'.encode()).decode()


def json_rpc_answer(url, session, method, params):
    "Return the answer of the call: its result and its error"
    headers = {'Content-Type': 'application/json'}
    if session:
        headers['Authorization'] = session
    request = urllib.request.Request(url, headers=headers, data=json.dumps({
                'id': 1, 'method': method, 'params': params}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def json_rpc(url, session, method, params):
    answer = json_rpc_answer(url, session, method, params)
    assert 'error' not in answer or answer['error'] is None, answer
    return answer['result']


def json_rpc_error(url, session, method, params):
    "Return the error of the call, or None"
    return json_rpc_answer(url, session, method, params).get('error')


def test_attachments_checked(ossis_server, system, national, checklists):
    """Attachments are checked as on the portal: by their content, their
    size, what a PDF would run and their name; the error is the
    municipality's, never the database's, and nothing is stored"""
    url = f'{ossis_server.url}/{ossis_server.database}/rpc/'
    session = json_rpc_login(url, 'elbasan.system')
    context = {'company': system.context['company'], 'language': 'en'}
    exe = b'MZ\x90\x00\x03\x00\x00\x00' + b'\x00' * 120
    cases = [
        ('page.pdf', PDF_HTML, 'not a PDF'),
        ('page.html', b'<html><script>alert(1)</script></html>', 'not a'),
        ('setup.exe', exe, 'not a PDF'),
        ('big.pdf', PDF + b'0' * (10 * 1024 * 1024), 'larger than'),
        ('script.pdf', pdf_open_javascript(), 'active content'),
        ('plan\x00.pdf', PDF, 'file name'),
        ('plan\x1b[2J.pdf', PDF, 'file name'),
        ('../../plan.pdf', PDF, 'file name'),
        ('p' * 300 + '.pdf', PDF, 'file name'),
        ]
    try:
        for name, data, word in cases:
            before = counts(national)
            values = filing(checklists)
            values['attachments'][0].update(
                name=name, data=base64.b64encode(data).decode('ascii'))
            error = json_rpc_error(url, session,
                f'model.{APP}.submit_external', [values, context])
            assert error, name[:20]
            text = str(error)
            assert word in text, (name[:20], text[:300])
            for leak in ['psycopg', 'sqlite', 'NUL', 'Traceback']:
                assert leak not in text, (name[:20], text[:300])
            assert counts(national) == before, name[:20]
    finally:
        json_rpc(url, session, 'common.db.logout', [])
