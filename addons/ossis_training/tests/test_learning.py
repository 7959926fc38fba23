# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the learning: lessons read, quizzes drawn from the bank, their
rules, and who reads and changes the courses and the learners' work"""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_training.exceptions import QuizAttemptError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction


def course_with_quiz(code, company=None, questions=4, **quiz):
    """Return a course of two lessons and its quiz, drawing from a bank of
    single choice questions whose right answer is "Yes", and one true or
    false and one multiple choice question"""
    pool = Pool()
    Course = pool.get('ossis.training.course')
    bank = [{
            'text': f"Question {i}",
            'kind': 'single',
            'answers': [('create', [
                        {'text': "Yes", 'correct': True},
                        {'text': "No"}])],
            } for i in range(questions - 2)]
    bank += [{
            'text': "The receipt is printed at the desk.",
            'kind': 'true_false',
            'answers': [('create', [
                        {'text': "True", 'correct': True},
                        {'text': "False"}])],
            }, {
            'text': "Which are documents?",
            'kind': 'multiple',
            'answers': [('create', [
                        {'text': "Yes", 'correct': True},
                        {'text': "Yes too", 'correct': True},
                        {'text': "No"}])],
            }]
    course, = Course.create([{
                'code': code,
                'name': f"Course {code}",
                'company': company.id if company else None,
                'lessons': [('create', [
                            {'name': "Lesson 1", 'body': "<p>One</p>"},
                            {'name': "Lesson 2", 'body': "<p>Two</p>"}])],
                'questions': [('create', bank)],
                'quizzes': [('create', [{
                                'name': f"Quiz {code}",
                                'question_count': questions,
                                'pass_mark': 75,
                                'max_attempts': 2,
                                **quiz}])],
                }])
    return course


def right_choices(attempt):
    return {
        l.id: [a.id for a in l.question.answers if a.correct]
        for l in attempt.questions}


def wrong_choices(attempt):
    return {
        l.id: [a.id for a in l.question.answers if not a.correct][:1]
        for l in attempt.questions}


class LearningTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the lessons, quizzes and attempts of the learners"
    module = 'ossis_training'

    @property
    def elbasan(self):
        return lgu('elbasan')

    @property
    def pogradec(self):
        return lgu('pogradec')

    def learner(self, login, company=None):
        return create_lgu_user(
            login, company or self.elbasan, 'group_front_office')

    @with_transaction()
    def test_quiz_draws_from_the_bank(self):
        "Test an attempt draws the questions of the bank at random"
        pool = Pool()
        Attempt = pool.get('ossis.training.quiz.attempt')
        course = course_with_quiz('Q1', questions=6)
        quiz, = course.quizzes
        quiz.question_count = 4
        quiz.save()
        arta = self.learner('arta')
        with as_user(arta):
            attempt = Attempt.start(quiz, arta)
            self.assertEqual(len(attempt.questions), 4)
            self.assertLessEqual(
                {l.question for l in attempt.questions},
                set(course.questions))
            # A reload of the page gives the same attempt
            self.assertEqual(Attempt.start(quiz, arta), attempt)
        self.assertEqual(attempt.company, self.elbasan)

    @with_transaction()
    def test_submit_scores_and_shows_wrong_answers(self):
        "Test a submission scores the answers and marks the wrong ones"
        pool = Pool()
        Attempt = pool.get('ossis.training.quiz.attempt')
        course = course_with_quiz('Q2')
        quiz, = course.quizzes
        arta = self.learner('arta')
        with as_user(arta):
            attempt = Attempt.start(quiz, arta)
            choices = right_choices(attempt)
            wrong = attempt.questions[0]
            choices[wrong.id] = [
                a.id for a in wrong.question.answers if not a.correct][:1]
            attempt = Attempt.submit(attempt, choices)
        self.assertEqual(attempt.state, 'submitted')
        self.assertEqual(attempt.score, 75)
        self.assertTrue(attempt.passed)
        self.assertEqual(
            [l.right for l in attempt.questions], [False, True, True, True])
        self.assertFalse(attempt.questions[0].chosen[0].correct)

    @with_transaction()
    def test_second_submission_refused(self):
        "Test a second submission of an attempt is refused, storing nothing"
        pool = Pool()
        Attempt = pool.get('ossis.training.quiz.attempt')
        Choice = pool.get('ossis.training.quiz.attempt.choice')
        quiz, = course_with_quiz('Q3').quizzes
        arta = self.learner('arta')
        with as_user(arta):
            attempt = Attempt.start(quiz, arta)
            attempt = Attempt.submit(attempt, wrong_choices(attempt))
            chosen = Choice.search([], count=True)
            with self.assertRaisesRegex(
                    QuizAttemptError, "already submitted"):
                Attempt.submit(attempt, right_choices(attempt))
        self.assertEqual(Choice.search([], count=True), chosen)
        self.assertEqual(attempt.score, 0)

    @with_transaction()
    def test_submission_after_time_limit_refused(self):
        "Test a submission after the time limit is refused, storing nothing"
        pool = Pool()
        Attempt = pool.get('ossis.training.quiz.attempt')
        Choice = pool.get('ossis.training.quiz.attempt.choice')
        quiz, = course_with_quiz('Q4', time_limit=10).quizzes
        arta = self.learner('arta')
        with as_user(arta):
            attempt = Attempt.start(quiz, arta)
        self.assertTrue(attempt.deadline)
        Attempt.write([attempt], {
                'deadline': dt.datetime.now() - dt.timedelta(seconds=1)})
        with as_user(arta):
            with self.assertRaisesRegex(QuizAttemptError, "10 minutes"):
                Attempt.submit(attempt, right_choices(attempt))
        attempt = Attempt(attempt.id)
        self.assertEqual(attempt.state, 'open')
        self.assertIsNone(attempt.score)
        self.assertEqual(Choice.search([], count=True), 0)

    @with_transaction()
    def test_attempts_beyond_limit_refused(self):
        "Test attempts beyond the limit are refused, storing nothing"
        pool = Pool()
        Attempt = pool.get('ossis.training.quiz.attempt')
        quiz, = course_with_quiz('Q5', max_attempts=1).quizzes
        arta = self.learner('arta')
        with as_user(arta):
            Attempt.submit(Attempt.start(quiz, arta), {})
            with self.assertRaisesRegex(QuizAttemptError, "all 1 attempts"):
                Attempt.start(quiz, arta)
        self.assertEqual(Attempt.search([], count=True), 1)

    @with_transaction()
    def test_single_choice_takes_one_answer(self):
        "Test two answers to a single choice question are refused"
        pool = Pool()
        Attempt = pool.get('ossis.training.quiz.attempt')
        quiz, = course_with_quiz('Q6').quizzes
        arta = self.learner('arta')
        with as_user(arta):
            attempt = Attempt.start(quiz, arta)
            line = next(
                l for l in attempt.questions if l.question.kind == 'single')
            with self.assertRaisesRegex(QuizAttemptError, "only one"):
                Attempt.submit(attempt, {
                        line.id: [a.id for a in line.question.answers]})
        self.assertEqual(Attempt(attempt.id).state, 'open')

    @with_transaction()
    def test_progress_and_missing(self):
        "Test a course is complete once its lessons are read and quiz passed"
        pool = Pool()
        Course = pool.get('ossis.training.course')
        Path = pool.get('ossis.training.path')
        Progress = pool.get('ossis.training.lesson.progress')
        Attempt = pool.get('ossis.training.quiz.attempt')
        course = course_with_quiz('P1')
        path, = Path.create([{
                    'name': "Front office", 'role': 'front_office',
                    'courses': [('create', [{'course': course.id}])]}])
        arta = self.learner('arta')
        with as_user(arta):
            self.assertEqual(len(Course.missing([course], arta)[course.id]), 3)
            Progress.mark_read(course.lessons, arta)
            # Reading again changes nothing
            Progress.mark_read(course.lessons[:1], arta)
            self.assertEqual(
                Course.missing([course], arta)[course.id],
                ['Pass the quiz "Quiz P1" of the course "Course P1".'])
            attempt = Attempt.start(course.quizzes[0], arta)
            Attempt.submit(attempt, right_choices(attempt))
            self.assertEqual(Path.missing([path], arta), {path.id: []})
            self.assertEqual(Path.learner_roles(arta), ['front_office'])
        self.assertEqual(
            Progress.search([('user', '=', arta.id)], count=True), 2)

    @with_transaction()
    def test_municipalities_isolated(self):
        """Test a municipality's courses and learners' work stay in it, also
        through searches on related fields"""
        pool = Pool()
        Course = pool.get('ossis.training.course')
        Lesson = pool.get('ossis.training.lesson')
        Progress = pool.get('ossis.training.lesson.progress')
        Attempt = pool.get('ossis.training.quiz.attempt')
        national = course_with_quiz('N1')
        own = course_with_quiz('E1', company=self.elbasan)
        arta = self.learner('arta')
        drita = self.learner('drita', self.pogradec)
        trainer = create_lgu_user('el.trainer', self.elbasan, 'group_trainer')
        po_trainer = create_lgu_user(
            'po.trainer', self.pogradec, 'group_trainer')
        with as_user(arta):
            Progress.mark_read(own.lessons, arta)
            Attempt.submit(Attempt.start(own.quizzes[0], arta), {})
        with as_user(drita):
            Progress.mark_read(national.lessons, drita)
            courses = Course.search([])
            self.assertIn(national, courses)
            self.assertNotIn(own, courses)
            self.assertEqual(Lesson.search([('course.code', '=', 'E1')]), [])
            with self.assertRaises(AccessError):
                Lesson.read([own.lessons[0].id], ['name'])
            with self.assertRaises(AccessError):
                Progress.mark_read(own.lessons, drita)
            with self.assertRaises(AccessError):
                Attempt.start(own.quizzes[0], drita)
            # A learner reads only their own work
            self.assertEqual(
                {p.user for p in Progress.search([])}, {drita})
        with as_user(po_trainer):
            for domain in [
                    [], [('user.company', '=', self.elbasan.id)],
                    [('lesson.course.code', '=', 'E1')],
                    [('user.login', '=', 'arta')]]:
                self.assertEqual(Progress.search(domain), [
                        p for p in Progress.search(domain)
                        if p.user == drita])
                self.assertFalse([
                        p for p in Progress.search(domain)
                        if p.company != self.pogradec])
            self.assertEqual(
                Attempt.search([('quiz.course.code', '=', 'E1')]), [])
            # Nor change another municipality's course or a national one
            for course in [own, national]:
                with self.assertRaises(AccessError):
                    Course.write([course], {'name': "Changed"})
        with as_user(trainer):
            self.assertEqual(
                {p.user for p in Progress.search([])}, {arta})
            Course.write([own], {'description': "Ours"})
            with self.assertRaises(AccessError):
                Course.write([national], {'description': "Ours"})
            with self.assertRaises(AccessError):
                Course.create([{
                            'code': 'P9', 'name': "Theirs",
                            'company': self.pogradec.id}])
        self.assertEqual(national.description, None)
        self.assertEqual(Course.search([('code', '=', 'P9')]), [])
