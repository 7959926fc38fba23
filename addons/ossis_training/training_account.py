# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Training accounts: logins of the staff that see only the practice
municipality, in the role of their learning path

A training account belongs to a learner (training_learner): what it does in
the practice municipality counts for the learner's exercises."""
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .practice import practice_company

LOGIN_PREFIX = 'praktike.'
# The org units of the practice municipality a role works in
ROLE_UNIT_TYPES = {
    'front_office': ['front_office'],
    'back_office': ['back_office'],
    'unit_head': ['back_office'],
    }


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    training_learner = fields.Many2One(
        'res.user', "Learner", readonly=True, ondelete='CASCADE',
        help="The member of staff this training account is for: what it "
        "does in the practice municipality counts for their exercises.")

    @classmethod
    def training_accounts(cls, learners):
        "Return {learner id: [training accounts]}"
        result = {u.id: [] for u in learners}
        with without_check_access():
            for account in cls.search([
                        ('training_learner', 'in', list(result)),
                        ('active', 'in', [True, False]),
                        ]):
                result[account.training_learner.id].append(account)
        return result

    @classmethod
    def create_training_accounts(cls, learners, role, password):
        """Create or renew the training accounts of the learners in the
        role, with the password; return them"""
        existing = cls.training_accounts(learners)
        accounts = []
        with without_check_access(), Transaction().set_user(0):
            company = practice_company()
            for learner in learners:
                account = (existing[learner.id] or [None])[0]
                if not account:
                    account = cls(
                        login=LOGIN_PREFIX + learner.login,
                        training_learner=learner)
                cls._set_training_values(
                    account, learner, company, role, password)
                accounts.append(account)
            cls.save(accounts)
        return accounts

    @classmethod
    def _set_training_values(cls, account, learner, company, role, password):
        pool = Pool()
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        account.name = learner.name
        account.language = learner.language
        account.password = password
        account.active = True
        account.companies = [company]
        account.company = company
        account.company_filter = 'one'
        account.groups = Group.browse([
                ModelData.get_id('ossis_base', 'group_staff'),
                ModelData.get_id('ossis_base', f'group_{role}'),
                ])
        employee = cls._training_employee(account, learner, company, role)
        account.employees = [employee]
        account.employee = employee

    @classmethod
    def _training_employee(cls, account, learner, company, role):
        pool = Pool()
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        OrgUnit = pool.get('ossis.org_unit')
        employee = account.employee if account.id else None
        if not employee:
            party = Party(name=learner.name)
            party.save()
            employee = Employee(company=company, party=party)
        employee.org_units = OrgUnit.search([
                ('company', '=', company.id),
                ('type', 'in', ROLE_UNIT_TYPES.get(role, ['management'])),
                ])
        employee.save()
        return employee


class CreateAccountsStart(ModelView):
    "Create Training Accounts"
    __name__ = 'ossis.training.account.create.start'
    __string__ = "Create Training Accounts"

    path = fields.Many2One(
        'ossis.training.path', "Learning Path", required=True,
        help="The accounts act in the role of the path.")
    password = fields.Char(
        "Password", required=True,
        help="The password of the accounts, told to the participants.")


class CreateAccountsDone(ModelView):
    "Training Accounts Created"
    __name__ = 'ossis.training.account.create.done'
    __string__ = "Training Accounts Created"

    logins = fields.Text("Logins", readonly=True)


class CreateAccounts(Wizard):
    """Create Training Accounts

    For each participant of the sessions, a login that sees only the
    practice municipality, in the role of the learning path."""
    __name__ = 'ossis.training.account.create'

    start = StateView(
        'ossis.training.account.create.start',
        'ossis_training.account_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    done = StateView(
        'ossis.training.account.create.done',
        'ossis_training.account_create_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_create_(self):
        pool = Pool()
        User = pool.get('res.user')
        learners = sorted(
            {a.user for s in self.records for a in s.attendees},
            key=lambda u: u.login)
        accounts = User.create_training_accounts(
            learners, self.start.path.role, self.start.password)
        self.done.logins = '\n'.join(
            f'{a.training_learner.name}: {a.login}' for a in accounts)
        return 'done'

    def default_done(self, fields):
        return {'logins': self.done.logins}
