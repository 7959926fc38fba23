# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The groups of the roles given only to certified staff, where a
municipality asks for it (Company.training_required)"""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .exceptions import RoleCertificateError
from .path import ROLES


class UserGroup(metaclass=PoolMeta):
    __name__ = 'res.user-res.group'

    @classmethod
    def preprocess_values(cls, mode, values):
        # Checked before the group is stored, so that a refusal stores
        # nothing even within a transaction that goes on
        values = super().preprocess_values(mode, values)
        if values.get('user') and values.get('group'):
            cls.check_role_certificate(values['user'], values['group'])
        return values

    @classmethod
    def role_groups(cls):
        "Return {group id: role} of the groups of the roles"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return {
            ModelData.get_id('ossis_base', f'group_{role}'): role
            for role, _ in ROLES}

    @classmethod
    def check_role_certificate(cls, user_id, group_id):
        """Refuse the group of a role to a user without a certificate in
        force of the role's path, in a municipality that asks for it"""
        pool = Pool()
        User = pool.get('res.user')
        Path = pool.get('ossis.training.path')
        Certificate = pool.get('ossis.training.certificate')
        role = cls.role_groups().get(group_id)
        if not role:
            return
        with without_check_access():
            user = User(user_id)
            if not any(c.training_required for c in user.companies):
                return
            paths = Path.search([
                    ('role', '=', role),
                    ('courses', '!=', None),
                    ['OR',
                        ('company', '=', None),
                        ('company', 'in', [c.id for c in user.companies]),
                        ],
                    ])
            if not paths:
                return
            in_force = Certificate.in_force_for([user])[user.id]
            if in_force & {p.id for p in paths}:
                return
            raise RoleCertificateError(gettext(
                    'ossis_training.msg_role_certificate_missing',
                    user=user.rec_name,
                    role=dict(Path.fields_get(['role'])['role'][
                            'selection'])[role],
                    courses=cls.missing_courses(paths, user)))

    @classmethod
    def missing_courses(cls, paths, user):
        "Return the names of the courses the user still lacks in the paths"
        pool = Pool()
        Course = pool.get('ossis.training.course')
        Attendee = pool.get('ossis.training.session.attendee')
        lines = [l for p in paths for l in p.courses]
        courses = list({l.course for l in lines})
        missing = Course.missing(courses, user)
        attended = Attendee.attended_courses(user, courses)
        names = {l.course.rec_name for l in lines
            if missing[l.course.id] or (
                l.attendance_required and l.course.id not in attended)}
        # A path complete but whose certificate expired or was revoked
        return ', '.join(sorted(names)) or ', '.join(
            p.rec_name for p in paths)
