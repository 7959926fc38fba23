# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An exercise: its instructions, "Check my work" and what the check found

The check itself is the model's (Exercise.check_work): the page shows it."""
from .web import find, learner_route


def last_result(learning, exercise):
    pool = learning.pool
    Result = pool.get('ossis.training.exercise.result')
    Exercise = pool.get('ossis.training.exercise')
    results = Result.search([
            ('learner', '=', Exercise.learner_of(learning.learner).id),
            ('exercise', '=', exercise.id),
            ], order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
    return results[0] if results else None


def render(learning, exercise, result):
    pool = learning.pool
    User = pool.get('res.user')
    Exercise = pool.get('ossis.training.exercise')
    learner = Exercise.learner_of(learning.learner)
    accounts = User.training_accounts([learner])[learner.id]
    return learning.render(
        'exercise.html', exercise=exercise, result=result,
        lines=(result.feedback or '').splitlines() if result else [],
        logins=[a.login for a in accounts])


@learner_route('/exercises/<int:exercise_id>')
def exercise(learning, exercise_id):
    exercise = find(learning, 'ossis.training.exercise', exercise_id)
    return render(learning, exercise, last_result(learning, exercise))


@learner_route('/exercises/<int:exercise_id>/check', methods=('POST',))
def check(learning, exercise_id):
    Exercise = learning.pool.get('ossis.training.exercise')
    exercise = find(learning, 'ossis.training.exercise', exercise_id)
    result, = Exercise.check_work([exercise], learning.learner)
    return render(learning, exercise, result)
