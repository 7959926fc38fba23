# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import without_check_access

# The roles of the staff, each with its group ossis_base.group_<role>
ROLES = [
    ('front_office', "Front Office Operator"),
    ('back_office', "Back Office Specialist"),
    ('unit_head', "Unit Head"),
    ('lgu_admin', "Municipality Administrator"),
    ('helpdesk', "Help Desk Agent"),
    ('auditor', "Auditor"),
    ]


class Path(LGUOwnedMixin, DeactivableMixin, ModelSQL, ModelView):
    """Learning Path

    The courses a role learns, in order."""
    __name__ = 'ossis.training.path'
    __string__ = "Learning Path"

    name = fields.Char("Name", required=True, translate=True)
    role = fields.Selection(ROLES, "Role", required=True)
    company = fields.Many2One(
        'company.company', "Municipality", ondelete='CASCADE',
        help="Leave empty for a national path, read by the staff of every "
        "municipality.")
    courses = fields.One2Many(
        'ossis.training.path.course', 'path', "Courses")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_company(cls):
        return None

    @classmethod
    def missing(cls, paths, user):
        """Return {path id: [texts of what the user still lacks]}

        A path is complete when its list is empty: every course complete
        (Course.missing) and the checks of _missing_checks passed."""
        pool = Pool()
        Course = pool.get('ossis.training.course')
        courses = {l.course for p in paths for l in p.courses}
        by_course = Course.missing(list(courses), user)
        result = {
            p.id: [t for l in p.courses for t in by_course[l.course.id]]
            for p in paths}
        for check in cls._missing_checks():
            for path_id, texts in check(paths, user).items():
                result[path_id].extend(texts)
        return result

    @classmethod
    def learner_roles(cls, user):
        "Return the roles of the user, from their groups"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        with without_check_access():
            groups = {g.id for g in pool.get('res.user')(user.id).groups}
        return [
            role for role, _ in ROLES
            if ModelData.get_id('ossis_base', f'group_{role}') in groups]

    @classmethod
    def _missing_checks(cls):
        "Return the checks of a path beyond its courses' own"
        return []


class PathCourse(sequence_ordered(), ModelSQL, ModelView):
    "Learning Path Course"
    __name__ = 'ossis.training.path.course'
    __string__ = "Learning Path Course"

    path = fields.Many2One(
        'ossis.training.path', "Path", required=True, ondelete='CASCADE')
    course = fields.Many2One(
        'ossis.training.course', "Course", required=True, ondelete='RESTRICT')
    attendance_required = fields.Boolean(
        "Attendance Required",
        help="The learner must also attend a classroom or online session "
        "of the course.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('path')

    @classmethod
    def default_attendance_required(cls):
        return False
