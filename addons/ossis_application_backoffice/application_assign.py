# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who in the responsible unit handles the current step"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.ossis_application.application import RUNNING
from trytond.modules.ossis_application.exceptions import (
    ApplicationAccessError, ApplicationActionError)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, Id
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        groups = Eval('context', {}).get('groups', [])
        cls._buttons.update({
                'assign_wizard': {
                    'invisible': (
                        ~Eval('state').in_(RUNNING)
                        | ~(Id('ossis_base', 'group_unit_head').in_(groups)
                            | Id('ossis_base', 'group_lgu_admin').in_(
                                groups))),
                    'depends': ['state'],
                    },
                'take': {
                    'invisible': (
                        ~Eval('state').in_(RUNNING) | Bool(Eval('assignee'))
                        | ~Id('ossis_base', 'group_back_office').in_(groups)),
                    'depends': ['state', 'assignee'],
                    },
                })

    @classmethod
    @ModelView.button_action('ossis_application_backoffice.wizard_application_assign')
    def assign_wizard(cls, applications):
        pass

    @classmethod
    @ModelView.button
    def take(cls, applications):
        "Assign the unassigned applications of the user's unit to the user"
        roles, units, employee = cls._actor()
        for application in applications:
            cls._check_assignable(application)
            if application.assignee:
                raise ApplicationActionError(gettext(
                        'ossis_application_backoffice.msg_application_already_assigned',
                        application=application.rec_name,
                        assignee=application.assignee.rec_name))
            if roles is not None and (
                    not employee
                    or 'back_office' not in roles
                    or not application.step_unit
                    or application.step_unit.id not in units):
                raise ApplicationAccessError(gettext(
                        'ossis_application_backoffice.msg_application_take_refused',
                        application=application.rec_name))
        if employee:
            cls._write_assignee(applications, employee)

    @classmethod
    def assign(cls, applications, employee, comment=None):
        """Assign the current step of the applications to the employee, as
        the head of the responsible unit or an administrator"""
        if Transaction().check_access:
            cls.read([a.id for a in applications], ['id'])
        with without_check_access():
            applications = cls.browse(applications)
            for application in applications:
                cls._check_assignable(application)
                cls._check_assigner(application)
                cls._check_assignee(application, employee)
            cls._write_assignee(applications, employee, comment)

    @classmethod
    def _check_assignable(cls, application):
        if application.state not in RUNNING:
            raise ApplicationActionError(gettext(
                    'ossis_application_backoffice.msg_application_assign_not_running',
                    application=application.rec_name))

    @classmethod
    def _check_assigner(cls, application):
        "Refuse users who neither head the unit nor administer the LGU"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if Transaction().user == 0:
            return
        admin = ModelData.get_id('ossis_base', 'group_lgu_admin')
        if admin in User.get_groups():
            return
        employees = cls._user_employees()
        unit = application.step_unit
        if not unit or not unit.head or unit.head not in employees:
            raise ApplicationAccessError(gettext(
                    'ossis_application_backoffice.msg_application_assign_refused',
                    application=application.rec_name))

    @classmethod
    def _check_assignee(cls, application, employee):
        "Refuse an employee who does not work in the responsible unit"
        unit = application.step_unit
        if (not unit
                or (employee not in unit.employees and employee != unit.head)):
            raise ApplicationActionError(gettext(
                    'ossis_application_backoffice.msg_application_assignee_not_in_unit',
                    employee=employee.rec_name,
                    unit=unit.rec_name if unit else '',
                    application=application.rec_name))

    @classmethod
    def _write_assignee(cls, applications, employee, comment=None):
        pool = Pool()
        History = pool.get('ossis.application.history')
        _, _, actor = cls._actor()
        now = dt.datetime.now()
        history = []
        for application in applications:
            values = cls._history_values(
                application, 'assign', application.state, application.state,
                application.step, application.step, actor, now,
                comment=comment, public=False)
            values['assignee'] = employee.id
            history.append(values)
        with without_check_access():
            cls.write(list(applications), {'assignee': employee.id})
            History.create(history)
        if Transaction().user != 0 and actor == employee:
            return
        cls.notify_staff(
            {employee: list(applications)},
            'ossis_application_backoffice.msg_application_assigned_notification')


class AssignStart(ModelView):
    "Assign Application"
    __name__ = 'ossis.application.assign.start'
    __string__ = "Assign Application"

    unit = fields.Many2One('ossis.org_unit', "Responsible Unit", readonly=True)
    employee = fields.Many2One(
        'company.employee', "Assignee", required=True,
        domain=['OR',
            ('org_units', '=', Eval('unit', -1)),
            ('id', '=', Eval('head', -1)),
            ],
        help="Who in the responsible unit handles the current step.")
    head = fields.Many2One('company.employee', "Head", readonly=True)
    comment = fields.Text(
        "Comment", help="Instructions for the assignee, kept in the history.")


class Assign(Wizard):
    "Assign Application"
    __name__ = 'ossis.application.assign'

    start = StateView(
        'ossis.application.assign.start',
        'ossis_application_backoffice.application_assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        application = self.records[0]
        unit = application.step_unit
        return {
            'unit': unit.id if unit else None,
            'head': unit.head.id if unit and unit.head else None,
            'employee': (
                application.assignee.id if application.assignee else None),
            }

    def transition_assign(self):
        pool = Pool()
        Application = pool.get('ossis.application')
        Application.assign(
            self.records, self.start.employee, self.start.comment)
        return 'end'
