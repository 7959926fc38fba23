# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_companies(cls):
        """National administrators work for every municipality

        With the company filter on "All", they see the records of all the
        municipalities, including those added after their account."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Company = pool.get('company.company')
        companies = super().get_companies()
        transaction = Transaction()
        if ('_companies' in transaction.context
                or not transaction.user):
            return companies
        national = ModelData.get_id('ossis_base', 'group_national_admin')
        if national not in cls.get_groups():
            return companies
        user = cls(transaction.user)
        if user.company_filter != 'all':
            return companies
        key = ('national', transaction.user)
        all_companies = cls._get_companies_cache.get(key)
        if all_companies is None:
            table = Company.__table__()
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(table.id, order_by=table.id))
            all_companies = cls._get_companies_cache.set(
                key, tuple(i for i, in cursor))
        return all_companies
