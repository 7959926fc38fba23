# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The quiz of the learner's pages under load, for benchmarks/training.py

Create a database with the demo data (``ossis init`` and ``ossis demo``),
serve it as production does (gunicorn with ``ossis.wsgi:app`` under
python -O), create C learners (front office operators of Elbasan)
and a quiz of 10 true or false questions drawn from a bank of 20, with no
limit of attempts.  The C learners sign in on the learner's pages, then at
once each takes the quiz R times: the quiz page, the start of an attempt
(the form posted and the page of its questions) and the submission (the
answers posted and the page of the results).  Print the median and the 95th
percentile of each, beside the portal's style sheet loaded by C visitors
at once as the floor of the same server, with the load average of the
machine before and after.  It imports trytond (through the tests'
helpers): import it after the environment of the database is set.
"""
import os
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tests'))

import ossis_testserver  # noqa: E402
from ossis_testserver import DEMO_PASSWORD  # noqa: E402
from portal import Visitor  # noqa: E402
from smtp_mailbox import Mailbox  # noqa: E402
from staff_load import Gunicorn, loadavg, percentile  # noqa: E402

from ossis_client import Client  # noqa: E402

# The quiz of the load: true or false questions drawn from a larger bank,
# any number of attempts
QUIZ_QUESTIONS = 10
QUIZ_BANK = 20
LEARNER_PASSWORD = 'ossis-bench-learner'
# The seconds "ossis init" and "ossis demo" may take: more than the tests
# allow, as a benchmark may run on a machine busy with other work
INIT_TIMEOUT, DEMO_TIMEOUT = 1800, 900
# The form of a page's content, not the sign-out form of its header
FORM = 'main form[method="post"]'
FLOOR = 'style sheet (floor)'
REQUESTS = [
    'quiz page', 'start (post + questions)', 'submission (post + results)']


def create_quiz(national):
    """Create a national course whose quiz the learners take again and
    again, and return the id of the quiz"""
    course_id, = national.create('ossis.training.course', [{
                'code': f'BENCH-{secrets.token_hex(3)}',
                'name': "Quiz under load",
                'questions': [('create', [{
                                'text': f"Statement {i} is true.",
                                'kind': 'true_false',
                                'answers': [('create', [
                                            {'text': "True",
                                                'correct': True},
                                            {'text': "False"},
                                            ])],
                                } for i in range(QUIZ_BANK)])],
                }])
    quiz_id, = national.create('ossis.training.quiz', [{
                'course': course_id,
                'name': "Quiz under load",
                'pass_mark': 50,
                'max_attempts': None,
                'question_count': QUIZ_QUESTIONS,
                }])
    return quiz_id


def create_learners(admin, count):
    """Create count front office operators of Elbasan and return their
    logins"""
    company, = admin.search('company.company', [('code', '=', 'elbasan')])
    group, = admin.search('res.group', [
            ('name', '=', "OSSIS Front Office Operator")])
    prefix = f'bench.learner.{secrets.token_hex(2)}'
    logins = [f'{prefix}.{i}' for i in range(count)]
    admin.create('res.user', [{
                'login': login,
                'name': f"Learner {i}",
                'password': LEARNER_PASSWORD,
                'company': company,
                'companies': [('add', [company])],
                'groups': [('add', [group])],
                } for i, login in enumerate(logins)])
    return logins


class Learner(Visitor):
    "A learner on the learner's pages, as a browser without JavaScript"

    def sign_in(self, login):
        "Sign in: the learner's first page"
        page = self.get('/training/login')
        page = self.submit(
            page, {'login': login, 'password': LEARNER_PASSWORD})
        if '/training/login' in page.url:
            raise RuntimeError(f"{login} could not sign in: {page.status}")
        return page

    def quiz_page(self, quiz_id):
        self.page = self.get(f'/training/quizzes/{quiz_id}')
        return self.page

    def start(self):
        "Start an attempt from the quiz page: the page of its questions"
        self.page = self.submit(self.page, selector=FORM)
        return self.page

    def submit_answers(self):
        "Answer the questions at random: the page of the results"
        questions = {}
        for radio in self.page.html.cssselect('input[type="radio"]'):
            questions.setdefault(radio.get('name'), []).append(
                radio.get('value'))
        answers = {
            name: secrets.choice(values)
            for name, values in questions.items()}
        self.page = self.submit(self.page, answers, selector=FORM)
        if 'class="results"' not in self.page.text:
            raise RuntimeError(f"no results shown (HTTP {self.page.status})")
        return self.page


class Measures:
    "The durations and the errors of the requests, by name"

    def __init__(self, names):
        self.durations = {n: [] for n in names}
        self.errors = {n: [] for n in names}
        self.lock = threading.Lock()

    def time(self, name, function, *args):
        "Time the request of the function; return whether it succeeded"
        started = time.perf_counter()
        try:
            page = function(*args)
            if page.status != 200:
                raise RuntimeError(f"HTTP {page.status}")
        except Exception as exception:
            with self.lock:
                self.errors[name].append(str(exception))
            return False
        with self.lock:
            self.durations[name].append(time.perf_counter() - started)
        return True


def quiz_load(server, quiz_id, logins, rounds):
    "Let the learners take the quiz rounds times at once"
    measures = Measures(['sign in'] + REQUESTS)
    barrier = threading.Barrier(len(logins))

    def learn(login):
        learner = Learner(server)
        try:
            signed_in = measures.time('sign in', learner.sign_in, login)
        finally:
            barrier.wait()
        for _ in range(rounds if signed_in else 0):
            if (measures.time(REQUESTS[0], learner.quiz_page, quiz_id)
                    and measures.time(REQUESTS[1], learner.start)):
                measures.time(REQUESTS[2], learner.submit_answers)
    run_threads(learn, logins)
    return measures


def floor_load(server, clients, requests):
    "Let the visitors load the portal's style sheet at once"
    measures = Measures([FLOOR])

    def visit(_):
        visitor = Visitor(server)
        for _ in range(requests):
            measures.time(FLOOR, visitor.get, '/static/portal.css')
    run_threads(visit, range(clients))
    return measures


def run_threads(function, items):
    threads = [threading.Thread(target=function, args=(i,)) for i in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Served:
    "What the visitors need of the server: its address and its database"

    def __init__(self, gunicorn):
        self.url = gunicorn.url
        self.database = gunicorn.server.database


def quiz_benchmark(backend, uri, learners, rounds, workers):
    "Print the response times of the quiz under load on the backend"
    database = f'bench_training_quiz_{os.getpid()}_{secrets.token_hex(3)}'
    gunicorn = Gunicorn(database, uri, workers)
    ossis_testserver.INIT_TIMEOUT = INIT_TIMEOUT
    ossis_testserver.DEMO_TIMEOUT = DEMO_TIMEOUT
    # The emails of the demo's jobs go to a local mail server
    mailbox = Mailbox()
    mailbox.start()
    gunicorn.server.email_uri = mailbox.uri
    started = time.monotonic()
    gunicorn.server.create_database()
    print(f"{backend}: demo database in {time.monotonic() - started:.0f} s",
        flush=True)
    try:
        with gunicorn:
            server = Served(gunicorn)
            national = Client(
                server.url, database, 'national.admin', DEMO_PASSWORD)
            admin = Client(
                server.url, database, 'admin', gunicorn.server.admin_password)
            quiz_id = create_quiz(national)
            logins = create_learners(admin, learners)
            rows = []
            for load in [
                    lambda: floor_load(server, learners, rounds * 3),
                    lambda: quiz_load(server, quiz_id, logins, rounds)]:
                before = loadavg()
                measures = load()
                rows += [(n, d, measures.errors[n], before, loadavg())
                    for n, d in measures.durations.items()]
            print_rows(backend, learners, rounds, workers, rows)
    finally:
        gunicorn.server.drop_database()
        mailbox.stop()


def print_rows(backend, learners, rounds, workers, rows):
    print(f"\n{backend}, gunicorn ({workers} workers, python -O), "
        f"{learners} learners at once, {rounds} attempts each")
    print(f"{'request':<30}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}"
        f"{'done':>7}{'errors':>8}  load average before / after")
    for name, durations, errors, before, after in rows:
        if durations:
            figures = (f"{statistics.median(durations) * 1000:>11.0f}"
                f"{percentile(durations, 95) * 1000:>9.0f}"
                f"{max(durations) * 1000:>9.0f}")
        else:
            figures = f"{'-':>11}{'-':>9}{'-':>9}"
        print(f"{name:<30}{figures}{len(durations):>7}{len(errors):>8}"
            f"  {before} / {after}")
        if errors:
            print(f"    first error: {errors[0][:300]}")
    sys.stdout.flush()
