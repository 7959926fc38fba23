# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the scenarios of the training (scenario_*.rst), through
proteus; the municipalities are set up by those of ossis_services"""
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller
from proteus import Model
from proteus.config import get_config

import trytond.config
from trytond.pool import Pool
from trytond.transaction import Transaction


def create_trainer(login, company, name, config=None):
    "Create the user of the login, a trainer working for the municipality"
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    Company = Model.get('company.company', config=config)
    user = User(login=login, name=name, email=f'{login}@example.al')
    user.companies.append(Company(company.id))
    user.company = company
    user.groups.append(Group(ModelData.get_id(
                'ossis_base', 'group_trainer', {})))
    user.save()
    return user


class Mailbox:
    """A mail server on a free local port that keeps the emails it
    receives, made the mail server of trytond ([email] uri) until stop"""

    def __init__(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(('127.0.0.1', 0))
            self.port = sock.getsockname()[1]
        self.messages = []
        self._lock = threading.Lock()
        self.controller = Controller(
            self, hostname='127.0.0.1', port=self.port)
        self.previous = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return '250 Message accepted for delivery'

    def start(self):
        self.controller.start()
        self.previous = trytond.config.get('email', 'uri')
        trytond.config.set('email', 'uri', f'smtp://127.0.0.1:{self.port}')
        return self

    def stop(self):
        self.controller.stop()
        trytond.config.set('email', 'uri', self.previous or '')

    def received(self, recipient):
        "Return the messages received for the recipient"
        with self._lock:
            return [m for m in self.messages
                if recipient.lower() in m['To'].lower()]


def attachments(message):
    "Return the attachments of the message by content type"
    return {
        part.get_content_type(): part.get_content()
        for part in message.iter_attachments()}


class Learner:
    """A member of the staff taking lessons and quizzes as the learner's
    pages do it for them: through the models, as the user, in a
    transaction of its own"""

    def __init__(self, user, config=None):
        self.user_id = user.id
        self.config = config or get_config()

    def _run(self, function):
        with Transaction().start(
                self.config.database_name, self.user_id) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            with transaction.set_context(User.get_preferences(
                        context_only=True)):
                result = function(pool, User(self.user_id))
            transaction.commit()
        return result

    def read(self, lessons):
        "Read the lessons to their end"
        def read(pool, user):
            Progress = pool.get('ossis.training.lesson.progress')
            Progress.mark_read([l.id for l in lessons], user)
        self._run(read)

    def take_quiz(self, quiz, wrong=0):
        """Take the quiz, answering wrong the first questions up to wrong,
        and return the score and whether it passed"""
        def take(pool, user):
            Quiz = pool.get('ossis.training.quiz')
            Attempt = pool.get('ossis.training.quiz.attempt')
            attempt = Attempt.start(Quiz(quiz.id), user)
            choices = {}
            for i, line in enumerate(attempt.questions):
                answers = line.question.answers
                choices[line.id] = [
                    a.id for a in answers if a.correct == (i >= wrong)][:1]
                if i >= wrong and line.question.kind == 'multiple':
                    choices[line.id] = [a.id for a in answers if a.correct]
            attempt = Attempt.submit(attempt, choices)
            return attempt.score, bool(attempt.passed)
        return self._run(take)
