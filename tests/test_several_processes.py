# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""OSSIS on several machines: servers and a queue worker on one database

Two servers (the nodes A and B behind a load balancer) and a queue worker
run on one PostgreSQL database with the settings of
config/production.conf.example that make this work: ``[cache]
clean_timeout = 0`` (a change made through one node is seen at once
through the others) and ``[queue] worker = True`` (the emails and SMS are
sent by the worker, not by the node that served the request).
"""
import configparser
import time
import uuid

import pytest
from ossis_testserver import DEMO_PASSWORD, ROOT
from test_reliability import end_connections, paper_filing
from test_rpc_applications import APP, OTHER_SERVICE, SERVICE, checklist

from ossis_client import Client

PRODUCTION = ROOT / 'config' / 'production.conf.example'
# The sections of the production configuration that the nodes share
SHARED_SECTIONS = ['cache', 'queue']
# How long a change may take to reach the other node, and a queued task the
# worker
PROPAGATION = 5
WORKER_TIMEOUT = 40


def production_settings(sections):
    "The options set (not commented out) in the sections of production"
    parser = configparser.ConfigParser(interpolation=None)
    assert parser.read(PRODUCTION)
    return {s: dict(parser.items(s)) for s in sections}


@pytest.fixture(scope='module')
def nodes(ossis_server):
    """Two servers on the database of the test server, with the shared
    settings of production, and the configuration they use"""
    if ossis_server.backend != 'postgresql':
        pytest.skip("several servers share a PostgreSQL database; SQLite "
            "is for one server on one machine")
    config = ossis_server.write_config(
        'nodes.conf', production_settings(SHARED_SECTIONS))
    started = time.monotonic()
    nodes = [ossis_server.serve(name, config) for name in ['node-a', 'node-b']]
    ossis_server.timings['nodes'] = time.monotonic() - started
    yield nodes, config
    for node in nodes:
        node.stop()


def connect(node, database, login):
    return Client(node.url, database, login, DEMO_PASSWORD)


def test_production_shares_caches_and_queue():
    "The production configuration sets what several nodes need"
    settings = production_settings(SHARED_SECTIONS)
    assert settings['cache'].get('clean_timeout') == '0'
    assert settings['queue'].get('worker') == 'True'


def test_change_through_one_node_is_served_by_the_other(
        ossis_server, nodes):
    """The fee of an offer and a closure day of the municipality changed
    through A are what B serves, at once: the due dates that B computes
    (from the calendar it keeps in its cache) skip the new closure day"""
    (a, b), _ = nodes
    database = ossis_server.database
    # Its time limit counts working days
    code = OTHER_SERVICE
    with connect(a, database, 'elbasan.admin') as admin_a, \
            connect(b, database, 'elbasan.system') as system_b:
        checklists = {code: checklist(system_b, code)}
        offer, = system_b.search_read('ossis.lgu.service', [
                ('service_code', '=', SERVICE),
                ], ['fee'])
        fee = offer['fee']
        first = system_b.call(
            APP, 'submit_external', paper_filing(checklists, code))
        due_date = first['due_date']
        closure, = admin_a.create('ossis.calendar.closure', [{
                    'date': due_date,
                    'name': f"Closed {uuid.uuid4().hex[:6]}",
                    }])
        admin_a.write('ossis.lgu.service', [offer['id']], {
                'fee': fee + 100})
        try:
            offer_b, = system_b.read(
                'ossis.lgu.service', [offer['id']], ['fee'])
            assert offer_b['fee'] == fee + 100

            deadline = time.monotonic() + PROPAGATION
            while True:
                later = system_b.call(
                    APP, 'submit_external', paper_filing(checklists, code))
                if (later['due_date'] != due_date
                        or time.monotonic() > deadline):
                    break
                time.sleep(0.5)
            assert later['due_date'] > due_date, (
                f"B still counts {due_date} as a working day "
                f"{PROPAGATION}s after A closed it")
        finally:
            admin_a.delete('ossis.calendar.closure', [closure])
            admin_a.write('ossis.lgu.service', [offer['id']], {'fee': fee})


def notification_states(national, application):
    return {n['channel']: n['state'] for n in national.search_read(
            'ossis.notification', [
                ('origin', '=', f'{APP},{application}'),
                ], ['channel', 'state'])}


def postgresql(ossis_server, database):
    import psycopg
    return psycopg.connect(
        ossis_server.uri, dbname=database, autocommit=True,
        connect_timeout=10)


def set_aside_demo_tasks(ossis_server):
    """Mark done the tasks that "ossis demo" queued: it files the demo
    applications outside any request, so the tasks of their notifications
    (hundreds) never ran, and a worker would send all those emails first"""
    with postgresql(ossis_server, ossis_server.database) as connection:
        connection.execute(
            'UPDATE ir_queue SET dequeued_at = now(), finished_at = now() '
            'WHERE dequeued_at IS NULL')


def file_for(system, email):
    "File an application whose applicant has the email; return the result"
    values = paper_filing({SERVICE: checklist(system)})
    values['applicant']['email'] = email
    return system.call(APP, 'submit_external', values)


def new_email():
    return f'applicant-{uuid.uuid4().hex[:8]}@example.com'


def test_queued_notification_is_sent_by_the_worker(
        ossis_server, nodes, mailbox):
    """The notification of a filing through A waits in the queue until the
    worker, a process of its own, sends it; the worker goes on when
    PostgreSQL ended its connections"""
    (a, _), config = nodes
    database = ossis_server.database
    set_aside_demo_tasks(ossis_server)
    email = new_email()
    with connect(a, database, 'elbasan.system') as system_a, \
            connect(a, database, 'national.admin') as national:
        result = file_for(system_a, email)

        # A stored the email and its task, and sent nothing
        time.sleep(1)
        assert notification_states(national, result['id']) == {
            'email': 'queued'}
        assert not mailbox.received(email)

        started = time.monotonic()
        # One process is enough here, and it starts sooner
        worker = ossis_server.run(
            'worker', 'worker', '--processes', '1', config=config)
        try:
            messages = mailbox.wait(email, timeout=WORKER_TIMEOUT)
            worker.check_running()
            assert len(messages) == 1, (
                f"the worker sent nothing within {WORKER_TIMEOUT}s")
            ossis_server.timings['worker'] = time.monotonic() - started
            deadline = time.monotonic() + PROPAGATION
            while notification_states(national, result['id']) != {
                    'email': 'sent'}:
                assert time.monotonic() < deadline
                time.sleep(0.2)

            with postgresql(ossis_server, 'postgres') as connection:
                assert end_connections(connection, database)
            email = new_email()
            file_for(system_a, email)
            assert len(mailbox.wait(email, timeout=2 * PROPAGATION)) == 1, (
                "the worker sent nothing after PostgreSQL ended its "
                "connections")
            worker.check_running()
        finally:
            worker.stop()
