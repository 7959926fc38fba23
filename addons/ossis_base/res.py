# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import UserCompanyError
from .org_unit import UserUnitsLinkMixin


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_companies(cls):
        """Return the municipalities whose records the user works on

        A user works only for the municipalities of their account, whatever
        current company is stored or sent in the context.  National
        administrators with the company filter on "All" work for every
        municipality, including those added after their account."""
        transaction = Transaction()
        if '_companies' in transaction.context or not transaction.user:
            return super().get_companies()
        companies = cls._context_companies()
        if cls.is_national_admin():
            user = cls(transaction.user)
            if user.company_filter == 'all':
                return cls._all_companies()
            return companies
        allowed = cls._account_companies(transaction.user)
        return tuple(c for c in companies if c in allowed)

    @classmethod
    def is_national_admin(cls):
        "Return whether the user administers OSSIS for every municipality"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return (ModelData.get_id('ossis_base', 'group_national_admin')
            in cls.get_groups())

    @classmethod
    def _context_companies(cls):
        """Return the companies of the user's filter and current company

        The company module caches them by user alone, but they depend on the
        company sent in the context: a call with a foreign company would
        leave the user without any company for the following calls."""
        transaction = Transaction()
        key = ('ossis_context', transaction.user,
            transaction.context.get('company'))
        companies = cls._get_companies_cache.get(key)
        if companies is None:
            user = cls(transaction.user)
            if user.company_filter == 'one':
                companies = [user.company.id] if user.company else []
            elif user.company_filter == 'all':
                companies = [c.id for c in user.companies]
            else:
                companies = []
            companies = cls._get_companies_cache.set(key, tuple(companies))
        return companies

    @classmethod
    def _all_companies(cls):
        pool = Pool()
        Company = pool.get('company.company')
        key = ('ossis_all',)
        companies = cls._get_companies_cache.get(key)
        if companies is None:
            table = Company.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.id, order_by=table.id))
            companies = cls._get_companies_cache.set(
                key, tuple(i for i, in cursor))
        return companies

    @classmethod
    def _account_companies(cls, user_id):
        "Return the ids of the companies of the user's account"
        pool = Pool()
        UserCompany = pool.get('res.user-company.company')
        key = ('ossis_account', user_id)
        companies = cls._get_companies_cache.get(key)
        if companies is None:
            table = UserCompany.__table__()
            cursor = Transaction().connection.cursor()
            # Read the table: the ORM hides companies of other rules
            cursor.execute(*table.select(
                    table.company, where=table.user == user_id))
            companies = cls._get_companies_cache.set(
                key, frozenset(i for i, in cursor))
        return companies

    def get_status_bar(self, name):
        """Show the municipality the user works for

        The company module ends the badge with the code of the company's
        currency, "[ALL]" for the lek, which staff read as "all
        municipalities"."""
        status = super().get_status_bar(name)
        if not self.company:
            return status
        company = self.company
        status = status.removesuffix(f' [{company.currency.code}]')
        status = status.removesuffix(f' - {company.rec_name}')
        return f'{status} — {company.official_name or company.rec_name}'

    @classmethod
    def set_preferences(cls, values):
        # Refuse before the write: during it, the new company in the context
        # hides the user's own companies from the domain check
        if values.get('company'):
            cls.check_account_company(Transaction().user, values['company'])
        super().set_preferences(values)

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names and not (field_names & {'company', 'companies'}):
            return
        for user in users:
            company_id = cls._stored_company(user.id)
            if company_id:
                cls.check_account_company(user.id, company_id)

    @classmethod
    def _stored_company(cls, user_id):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.company, where=table.id == user_id))
        company_id, = cursor.fetchone()
        return company_id

    @classmethod
    def check_account_company(cls, user_id, company_id):
        "Refuse a current company outside the user's account"
        cls._get_companies_cache.clear()
        if company_id not in cls._account_companies(user_id):
            raise UserCompanyError(gettext(
                    'ossis_base.msg_user_company_not_allowed'))


class _UserLink:
    "A link of a user that is read and changed as the user is"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Otherwise it lists the logins, municipalities and roles of the
        # staff of every municipality
        cls.__access__.add('user')


class UserCompany(_UserLink, metaclass=PoolMeta):
    __name__ = 'res.user-company.company'


class UserEmployee(UserUnitsLinkMixin, _UserLink, metaclass=PoolMeta):
    __name__ = 'res.user-company.employee'


class UserGroup(_UserLink, metaclass=PoolMeta):
    __name__ = 'res.user-res.group'
