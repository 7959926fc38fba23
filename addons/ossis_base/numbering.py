# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .lock import lock_for_update, restart_on_conflict
from .model import LGUOwnedMixin

NUMBER_PADDING = 6


class Numbering(LGUOwnedMixin, ModelSQL, ModelView):
    """Yearly Numbering

    Each municipality numbers its records per kind and per year, e.g.
    ELB-2026-000123; the counter starts again every year.
    """
    __name__ = 'ossis.numbering'
    __string__ = "Yearly Numbering"

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE')
    kind = fields.Selection('get_kinds', "Kind", required=True)
    year = fields.Integer("Year", required=True)
    sequence = fields.Many2One(
        'ir.sequence.strict', "Sequence", required=True, ondelete='RESTRICT',
        help="The strict sequence that gives the numbers without gaps.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_kind_year_unique', Unique(t, t.company, t.kind, t.year),
                'ossis_base.msg_numbering_unique'),
            ]
        cls._order.insert(0, ('year', 'DESC'))

    @classmethod
    def get_kinds(cls):
        "Return the kinds of numbered records; modules add theirs"
        return [
            ('protocol', "Protocol"),
            ]

    @classmethod
    def next_number(cls, company, kind, date=None):
        "Return the next number of the kind in the year of the date"
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            with Transaction().set_context(company=company.id):
                date = Date.today()
        return cls.next_numbers(company, kind, date, 1)[0]

    @classmethod
    def next_numbers(cls, company, kind, date, count):
        "Return the count next numbers of the kind in the year of the date"
        with without_check_access():
            numbering = cls._get(company, kind, date.year)
            # Desks filing at once wait their turn for the number
            lock_for_update([numbering.sequence])
            with Transaction().set_context(company=company.id):
                return list(numbering.sequence.get_many(count))

    @classmethod
    def _get(cls, company, kind, year):
        domain = [
            ('company', '=', company.id),
            ('kind', '=', kind),
            ('year', '=', year),
            ]
        numberings = cls.search(domain, limit=1)
        if numberings:
            numbering, = numberings
        else:
            # Two clerks may file the first record of the year at once
            with restart_on_conflict():
                numbering = cls._create(company, kind, year)
        return numbering

    @classmethod
    def _create(cls, company, kind, year):
        pool = Pool()
        Sequence = pool.get('ir.sequence.strict')
        ModelData = pool.get('ir.model.data')
        kind_name = dict(cls.get_kinds())[kind]
        sequence = Sequence(
            name=f'{company.number_prefix} {kind_name} {year}',
            sequence_type=ModelData.get_id(
                'ossis_base', 'sequence_type_register'),
            company=company,
            prefix=f'{company.number_prefix}-{year}-',
            padding=NUMBER_PADDING)
        sequence.save()
        numbering = cls(
            company=company, kind=kind, year=year, sequence=sequence)
        numbering.save()
        return numbering
