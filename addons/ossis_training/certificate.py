# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The certificates of the learners who completed a learning path

A certificate is issued by the system, never typed: when a lesson, a quiz,
an attendance or an exercise completes a path (issue_completed), or when a
trainer asks for the certificates of a session.  Anyone checks it on the
portal's verification page with the code printed on it."""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.ossis_application.verification import (
    new_verification_code, verification_code)
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import CertificateError
from .learner import learner_company


class Certificate(LGUOwnedMixin, Workflow, ModelSQL, ModelView):
    """Training Certificate

    The proof that a learner completed a learning path."""
    __name__ = 'ossis.training.certificate'
    __string__ = "Training Certificate"

    user = fields.Many2One(
        'res.user', "Learner", required=True, readonly=True,
        ondelete='RESTRICT')
    path = fields.Many2One(
        'ossis.training.path', "Learning Path", required=True, readonly=True,
        ondelete='RESTRICT')
    role = fields.Function(
        fields.Selection('get_roles', "Role"), 'on_change_with_role',
        searcher='search_role')
    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='CASCADE', help="The municipality of the learner.")
    issued_date = fields.Date("Issued", required=True, readonly=True)
    expiry_date = fields.Date(
        "Expires", readonly=True,
        help="Empty when the certificate does not expire.")
    code = fields.Char(
        "Verification Code", required=True, readonly=True,
        help="Printed on the certificate: anyone checks it on the portal.")
    state = fields.Selection([
            ('valid', "Valid"),
            ('revoked', "Revoked"),
            ], "State", required=True, readonly=True, sort=False)
    revoke_reason = fields.Text(
        "Reason for Revocation",
        states={
            'readonly': Eval('state') != 'valid',
            'invisible': (Eval('state') == 'valid')
            & ~Eval('revoke_reason'),
            },
        help="Why the certificate no longer proves the training: shown "
        "to whoever verifies it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ossis_training.msg_certificate_code_unique'),
            ]
        cls._order.insert(0, ('issued_date', 'DESC'))
        cls._transitions |= {('valid', 'revoked')}
        cls._buttons.update({
                'revoke': {
                    'invisible': Eval('state') != 'valid',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'valid'

    @classmethod
    def get_roles(cls):
        pool = Pool()
        Path = pool.get('ossis.training.path')
        return Path.fields_get(['role'])['role']['selection']

    @fields.depends('path', '_parent_path.role')
    def on_change_with_role(self, name=None):
        return self.path.role if self.path else None

    @classmethod
    def search_role(cls, name, clause):
        return [('path.role',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return f'{self.path.rec_name} - {self.user.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('code',) + tuple(clause[1:])]

    @property
    def expired(self):
        today = dt.date.today()
        return bool(self.expiry_date and self.expiry_date < today)

    @property
    def in_force(self):
        "Whether the certificate proves the training today"
        return self.state == 'valid' and not self.expired

    @classmethod
    def check_modification(cls, mode, certificates, values=None,
            external=False):
        super().check_modification(
            mode, certificates, values=values, external=external)
        if mode == 'write' and 'revoke_reason' in values:
            for certificate in certificates:
                if certificate.state != 'valid':
                    raise CertificateError(gettext(
                            'ossis_training.msg_certificate_revoked_reason',
                            certificate=certificate.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('revoked')
    def revoke(cls, certificates):
        for certificate in certificates:
            if certificate.state != 'valid':
                raise CertificateError(gettext(
                        'ossis_training.msg_certificate_not_valid',
                        certificate=certificate.rec_name))
            if not (certificate.revoke_reason or '').strip():
                raise CertificateError(gettext(
                        'ossis_training.msg_certificate_revoke_reason',
                        certificate=certificate.rec_name))

    # Issue

    @classmethod
    def in_force_for(cls, users):
        "Return {user id: {path id of each certificate in force}}"
        today = dt.date.today()
        result = {u.id: set() for u in users}
        with without_check_access():
            for certificate in cls.search([
                        ('user', 'in', [u.id for u in users]),
                        ('state', '=', 'valid'),
                        ['OR',
                            ('expiry_date', '=', None),
                            ('expiry_date', '>=', today),
                            ],
                        ]):
                result[certificate.user.id].add(certificate.path.id)
        return result

    @classmethod
    def issue_completed(cls, users):
        """Issue the certificates of the paths the users have completed and
        hold no certificate in force of; return the new certificates

        Called after each step that may complete a path: a lesson read, a
        quiz or an exercise passed, an attendance marked."""
        pool = Pool()
        Path = pool.get('ossis.training.path')
        users = [u for u in users if u.company]
        if not users:
            return []
        in_force = cls.in_force_for(users)
        today = dt.date.today()
        values = []
        with without_check_access():
            for user in users:
                paths = [p for p in Path.search([
                            ['OR',
                                ('company', '=', None),
                                ('company', '=', user.company.id),
                                ],
                            ('courses', '!=', None),
                            ])
                    if p.id not in in_force[user.id]]
                missing = Path.missing(paths, user)
                values += [
                    cls._issue_values(path, user, today) for path in paths
                    if not missing[path.id]]
            return cls.create(values)

    @classmethod
    def _issue_values(cls, path, user, today):
        validity = path.certificate_validity
        return {
            'user': user.id,
            'path': path.id,
            'company': learner_company(user).id,
            'issued_date': today,
            'expiry_date': (today + relativedelta(months=validity)
                if validity else None),
            'code': new_verification_code(),
            'state': 'valid',
            }

    # Verification

    @classmethod
    def verify(cls, text):
        """Return what the verification page tells about the certificate
        with the code typed, or None"""
        code = verification_code(text)
        if not code:
            return None
        with without_check_access():
            certificates = cls.search([('code', '=', code)], limit=1)
        if not certificates:
            return None
        certificate, = certificates
        return certificate.verification()

    def verification(self):
        "Return the result of the verification: texts in the context language"
        if self.state == 'revoked':
            status = gettext(
                'ossis_training.msg_verify_revoked',
                reason=self.revoke_reason)
        elif self.expired:
            status = gettext('ossis_training.msg_verify_expired')
        else:
            status = gettext('ossis_training.msg_verify_valid')
        details = [
            (gettext('ossis_training.msg_verify_issuer'),
                self.company.rec_name),
            (gettext('ossis_training.msg_verify_learner'),
                self.user.name),
            (gettext('ossis_training.msg_verify_path'), self.path.rec_name),
            (gettext('ossis_training.msg_verify_issued'),
                self.issued_date.strftime('%d.%m.%Y')),
            ]
        if self.expiry_date:
            details.append((gettext('ossis_training.msg_verify_expires'),
                    self.expiry_date.strftime('%d.%m.%Y')))
        details.append((gettext('ossis_training.msg_verify_code'), self.code))
        return {
            'title': gettext('ossis_training.msg_verify_title'),
            'valid': self.in_force,
            'status': status,
            'details': details,
            'company': self.company,
            }


class Path(metaclass=PoolMeta):
    __name__ = 'ossis.training.path'

    certificate_validity = fields.Integer(
        "Certificate Validity",
        domain=['OR',
            ('certificate_validity', '=', None),
            ('certificate_validity', '>', 0),
            ],
        help="The months a certificate of the path is valid; empty for "
        "ever.")



class LessonProgress(metaclass=PoolMeta):
    __name__ = 'ossis.training.lesson.progress'

    @classmethod
    def mark_read(cls, lessons, user):
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        result = super().mark_read(lessons, user)
        # The last lesson may complete a path
        Certificate.issue_completed([user])
        return result


class QuizAttempt(metaclass=PoolMeta):
    __name__ = 'ossis.training.quiz.attempt'

    @classmethod
    def submit(cls, attempt, choices):
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        attempt = super().submit(attempt, choices)
        if attempt.passed:
            # A quiz passed may complete a path
            Certificate.issue_completed([attempt.user])
        return attempt
