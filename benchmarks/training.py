# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Times of the training module: the reset of the practice municipality

The reset is timed after a session's worth of trainees' work (applications
registered and moved on), on SQLite and on PostgreSQL, each in a process of
its own (trytond reads its database from the environment when imported).

    python benchmarks/training.py                     # both backends
    python benchmarks/training.py --backend postgresql --runs 5

Then the quiz of the learner's pages under load (see training_quiz.py): 50
learners at once take it 5 times each (median and 95th percentile of the
quiz page, the start and the submission, beside the portal's style sheet).

    python benchmarks/training.py --only quiz --backend sqlite
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from bench_database import POSTGRESQL, module_database, use_database

BACKENDS = {
    'sqlite': 'sqlite://',
    'postgresql': POSTGRESQL,
    }
DATABASE = 'bench_training'
# The target of the issue, on PostgreSQL
RESET_TARGET = 10.0


def reset_figures(runs, trainees):
    """Time the reset of the practice municipality on the database of the
    environment, after the work of the trainees each time"""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.transaction import Transaction
    with module_database('ossis_training'):
        with Transaction().start(db_name, 0) as transaction:
            pool = Pool()
            from trytond.modules.ossis_training.practice import reset
            made = reset()
            times, deleted = [], []
            for _ in range(runs):
                deleted.append(trainees_work(pool, made, trainees))
                start = time.perf_counter()
                made = reset()
                times.append(time.perf_counter() - start)
            transaction.rollback()
    print(f"reset of the practice municipality ({len(made)} applications "
        f"made; {statistics.mean(deleted):.0f} applications of "
        f"{trainees} trainees deleted each time), {runs} runs: "
        f"median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s (target {RESET_TARGET:.0f} s on "
        "PostgreSQL)")
    return times


def trainees_work(pool, made, trainees):
    """Do what each trainee does in a session: register two applications
    and move them on; return the applications in the municipality"""
    from trytond.modules.ossis_training.practice import complete
    Application = pool.get('ossis.application')
    Date = pool.get('ir.date')
    values = [{
            'company': a.company.id,
            'channel': 'desk',
            'desk': a.desk.id,
            'lgu_service': a.lgu_service.id,
            'applicant': a.applicant.id,
            } for a in made[1:3] for _ in range(trainees)]
    applications = Application.create(values)
    complete(applications, Date.today())
    Application._submit(Application.browse(applications))
    applications = Application.browse(applications)
    Application.write(applications, {'action_comment': "Në rregull."})
    Application.act(applications, 'forward')
    return Application.search_count([('company', '=', made[0].company.id)])


def run_backend(backend, options):
    "Run the figures of the backend in a process of its own"
    env = dict(os.environ, TRYTOND_DATABASE_URI=BACKENDS[backend])
    env.pop('DB_NAME', None)
    env.pop('TRYTOND_CONFIG', None)
    subprocess.run([
            sys.executable, *(['-O'] if sys.flags.optimize else []),
            __file__, '--backend', backend,
            '--runs', str(options.runs),
            '--trainees', str(options.trainees)],
        env=env, check=True)


def figures(options):
    "Print the figures of the backend of this process"
    use_database(DATABASE)
    reset_figures(options.runs, options.trainees)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--backend', choices=sorted(BACKENDS))
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--trainees', type=int, default=20)
    parser.add_argument(
        '--only', choices=['reset', 'quiz'],
        help="time only the reset or only the quiz under load")
    parser.add_argument(
        '--learners', type=int, default=50,
        help="learners taking the quiz at once (default: %(default)s)")
    parser.add_argument(
        '--attempts', type=int, default=5,
        help="attempts of the quiz per learner (default: %(default)s)")
    parser.add_argument(
        '--workers', type=int, default=4,
        help="gunicorn workers serving the quiz (default: %(default)s)")
    options = parser.parse_args()
    if options.backend and options.only != 'quiz':
        figures(options)
        return
    for backend in [options.backend] if options.backend else BACKENDS:
        if options.only != 'quiz':
            run_backend(backend, options)
        if options.only != 'reset':
            # It imports trytond, which the reset's processes import anew
            from training_quiz import quiz_benchmark
            quiz_benchmark(backend, BACKENDS[backend], options.learners,
                options.attempts, options.workers)


if __name__ == '__main__':
    main()
