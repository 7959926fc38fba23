# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A quiz: its rules and the learner's attempts, an attempt to answer and
its results with the answers that were wrong"""
from .web import find, learner_route


@learner_route('/quizzes/<int:quiz_id>')
def quiz(learning, quiz_id):
    pool = learning.pool
    Attempt = pool.get('ossis.training.quiz.attempt')
    quiz = find(learning, 'ossis.training.quiz', quiz_id)
    attempts = Attempt.search([
            ('quiz', '=', quiz.id), ('user', '=', learning.learner.id)])
    return learning.render(
        'quiz.html', quiz=quiz, attempts=attempts,
        result=Attempt.results([quiz], learning.learner)[quiz.id])


@learner_route('/quizzes/<int:quiz_id>/start', methods=('POST',))
def start(learning, quiz_id):
    pool = learning.pool
    Attempt = pool.get('ossis.training.quiz.attempt')
    quiz = find(learning, 'ossis.training.quiz', quiz_id)
    attempt = Attempt.start(quiz, learning.learner)
    return learning.redirect(learning.training_url('attempts', attempt.id))


@learner_route('/attempts/<int:attempt_id>')
def attempt(learning, attempt_id):
    attempt = find(learning, 'ossis.training.quiz.attempt', attempt_id)
    return learning.render('attempt.html', attempt=attempt)


@learner_route('/attempts/<int:attempt_id>', methods=('POST',))
def submit(learning, attempt_id):
    pool = learning.pool
    Attempt = pool.get('ossis.training.quiz.attempt')
    attempt = find(learning, 'ossis.training.quiz.attempt', attempt_id)
    form = learning.request.form
    choices = {
        line.id: [v for v in form.getlist(f'question-{line.id}')
            if v.isdigit()]
        for line in attempt.questions}
    Attempt.submit(attempt, choices)
    return learning.redirect(learning.training_url('attempts', attempt.id))
