# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What OSSIS keeps when things break during a burst of writes

Several systems file applications at the same time over RPC.  When the
server is killed (SIGKILL, as a crash or the OOM killer would), every filing
it acknowledged is there after it restarts on the same database.  When
PostgreSQL ends the connections of the database (a restart of PostgreSQL,
an administrator's pg_terminate_backend), the server answers again within
a few seconds and loses nothing it acknowledged.
"""
import threading
import time

import pytest
from test_rpc_applications import APP, SERVICE, checklist, filing

from ossis_client import Client, Error, ServerBusy, ServerUnreachable

# Systems that file applications at the same time
WRITERS = 4
# Filings acknowledged before the server is killed
ACKNOWLEDGED_BEFORE_KILL = 8
# The longest the server may take to answer again once PostgreSQL ended
# its connections (trytond's own pool took 7 s in this test, and 30 s for
# a lone request)
RECOVERY_LIMIT = 3
BURST_TIMEOUT = 40


@pytest.fixture(scope='module')
def checklists(users):
    return {SERVICE: checklist(users['elbasan.system'])}


def paper_filing(checklists, code=SERVICE):
    """Return the values of a filing whose documents were all received on
    paper: the burst is about writes, not uploads"""
    mandatory, _ = checklists[code]
    return filing(checklists, code, attachments=[], documents=[
            {'document_type': c, 'status': 'received'} for c in mandatory])


class Burst:
    """Systems filing applications on a server, each in a thread, until
    stopped or until the server stops answering

    ``acknowledged`` holds the result of every filing the server
    acknowledged, ``failures`` what the other calls raised."""

    def __init__(self, url, database, checklists, writers=WRITERS):
        self.clients = [
            Client(url, database, 'elbasan.system', 'ossis-demo', timeout=30)
            for _ in range(writers)]
        self.checklists = checklists
        self.acknowledged = []
        self.failures = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._file, args=(client,), daemon=True)
            for client in self.clients]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()
        for client in self.clients:
            client.logout()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(BURST_TIMEOUT)
        assert not any(t.is_alive() for t in self.threads), \
            "a system still waits for the server"

    def _file(self, client):
        while not self.stopping.is_set():
            values = paper_filing(self.checklists)
            try:
                result = client.call(APP, 'submit_external', values)
            except Error as exception:
                with self._lock:
                    self.failures.append((time.monotonic(), exception))
                # A refusal of the filing itself is a bug: stop
                if (self.stopping.is_set() or not isinstance(
                            exception, (ServerBusy, ServerUnreachable))):
                    return
                time.sleep(0.1)
                continue
            with self._lock:
                self.acknowledged.append({
                        **result,
                        'identifier': values['applicant']['identifier'],
                        'at': time.monotonic(),
                        })

    def wait_acknowledged(self, count, timeout=BURST_TIMEOUT):
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, (
                f"only {len(self.acknowledged)} filings acknowledged in "
                f"{timeout}s: {self.failures[-3:]}")
            time.sleep(0.05)


def assert_stored(client, acknowledged):
    "Every acknowledged filing is stored whole: its applicant and history"
    assert acknowledged
    by_number = {a['number']: a for a in acknowledged}
    applications = client.search_read(APP, [
            ('number', 'in', list(by_number)),
            ], ['number', 'state', 'applicant', 'tracking_code'])
    assert sorted(a['number'] for a in applications) == sorted(by_number)
    applicants = {a['id']: a['identifier'] for a in client.read(
            'ossis.applicant', [a['applicant'] for a in applications],
            ['identifier'])}
    for application in applications:
        filed = by_number[application['number']]
        assert application['id'] == filed['id']
        assert application['tracking_code'] == filed['tracking_code']
        assert application['state'] == 'submitted'
        assert applicants[application['applicant']] == filed['identifier']
    history = client.search_read('ossis.application.history', [
            ('application', 'in', [a['id'] for a in applications]),
            ('action', '=', 'submit'),
            ], ['application'])
    assert sorted(h['application'] for h in history) == sorted(
        a['id'] for a in applications)


def test_acknowledged_filings_survive_a_killed_server(
        ossis_server, users, checklists):
    """The server is killed during a burst of filings: after it restarts
    on the same database, every filing it acknowledged is there"""
    server = ossis_server.serve('killed')
    with Burst(server.url, ossis_server.database, checklists) as burst:
        burst.wait_acknowledged(ACKNOWLEDGED_BEFORE_KILL)
        server.kill()
        burst.stop()
    acknowledged = burst.acknowledged
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    # The systems that were waiting got no answer, not a wrong one
    assert burst.failures

    server.start()
    with Client(server.url, ossis_server.database, 'national.admin',
            'ossis-demo') as national:
        assert_stored(national, acknowledged)


@pytest.fixture
def postgresql(ossis_server):
    if ossis_server.backend != 'postgresql':
        pytest.skip("only PostgreSQL has connections that another session "
            "may end (SQLite is a file the server opens itself)")
    import psycopg
    connection = psycopg.connect(
        ossis_server.uri, dbname='postgres', autocommit=True,
        connect_timeout=10)
    yield connection
    connection.close()


def end_connections(connection, database):
    "End the sessions of the database as an administrator would"
    cursor = connection.execute(
        'SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity '
        'WHERE datname = %s AND pid <> pg_backend_pid()', (database,))
    return cursor.fetchone()[0]


def warm_up(url, database, clients=16):
    """Let the server open a connection per client at once: they stay in
    its pool, idle, after the calls"""
    readers = [Client(url, database, 'elbasan.back', 'ossis-demo')
        for _ in range(clients)]
    together = threading.Barrier(clients, timeout=BURST_TIMEOUT)

    def read(client):
        for _ in range(3):
            together.wait()
            client.search_read(APP, [], ['number', 'state'], limit=200)
    threads = [threading.Thread(target=read, args=(r,)) for r in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BURST_TIMEOUT)
    for reader in readers:
        reader.logout()


def seconds_to_answer(client, since, timeout):
    """Return the seconds from since until the end of the first call that
    the server answered, trying without pause"""
    deadline = since + timeout
    while time.monotonic() < deadline:
        try:
            client.search_count('ossis.lgu.service', [])
        except Error:
            continue
        return time.monotonic() - since
    pytest.fail(f"the server did not answer within {timeout}s")


def test_server_recovers_when_postgresql_ends_its_connections(
        ossis_server, users, checklists, postgresql):
    """PostgreSQL ends every connection of the database during a burst of
    filings: the server answers again within a few seconds and every
    filing it acknowledged is stored"""
    server = ossis_server.main
    warm_up(server.url, ossis_server.database)
    # retries=0: the probe sees every refusal of the server
    probe = Client(server.url, ossis_server.database, 'elbasan.back',
        'ossis-demo', retries=0, timeout=2 * RECOVERY_LIMIT)
    with Burst(server.url, ossis_server.database, checklists,
            writers=2) as burst:
        burst.wait_acknowledged(3)
        ended_at = time.monotonic()
        assert end_connections(postgresql, ossis_server.database)
        recovery = seconds_to_answer(probe, ended_at, 3 * RECOVERY_LIMIT)
        # Filings go on after the recovery
        count = len(burst.acknowledged)
        burst.wait_acknowledged(count + 3, timeout=3 * RECOVERY_LIMIT)
    probe.logout()
    # Shown at the end of the run with the timings of the test server
    ossis_server.timings['recovery'] = recovery
    assert recovery < RECOVERY_LIMIT
    with Client(server.url, ossis_server.database, 'national.admin',
            'ossis-demo') as national:
        assert_stored(national, burst.acknowledged)
