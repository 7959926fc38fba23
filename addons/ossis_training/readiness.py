# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The go-live readiness of each municipality, from its training coverage

A municipality is ready to go live when what blocks_go_live returns is
empty: by default, it has front office operators and every one of them
holds a certificate in force of a front office path (the desks receive
the applicants from the first day).  A municipality's module that asks
more extends blocks_go_live with super()."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool


class Readiness(LGUOwnedMixin, ModelSQL, ModelView):
    "Go-Live Readiness"
    __name__ = 'ossis.training.readiness'
    __string__ = "Go-Live Readiness"

    company = fields.Many2One('company.company', "Municipality")
    staff = fields.Function(fields.Integer(
            "Staff", help="The people in a role, once per role."),
        'get_figures')
    trained = fields.Function(fields.Integer(
            "Trained", help="Of the staff, those who completed a path of "
            "their role."), 'get_figures')
    certified = fields.Function(fields.Integer(
            "Certified", help="Of the staff, those who hold a certificate "
            "in force of their role."), 'get_figures')
    expiring = fields.Function(fields.Integer(
            "Certificates Expiring"), 'get_figures')
    front_office = fields.Function(fields.Integer(
            "Front Office Operators"), 'get_figures')
    front_office_certified = fields.Function(fields.Integer(
            "Front Office Operators Certified"), 'get_figures')
    ready = fields.Function(fields.Boolean(
            "Ready to Go Live",
            help="Every front office operator of the municipality is "
            "certified."), 'get_figures')
    blocking = fields.Function(fields.Text(
            "What Blocks the Go-Live"), 'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('company', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = Company.__table__()
        return company.select(
            company.id.as_('id'),
            company.id.as_('company'),
            where=~company.id.in_(Company.practice_ids_query()))

    @classmethod
    def get_figures(cls, readinesses, names):
        pool = Pool()
        Coverage = pool.get('ossis.training.coverage')
        rows = Coverage.search([
                ('company', 'in', [r.company.id for r in readinesses]),
                ])
        figures = Coverage.training_figures(rows)
        by_company = {r.company.id: [] for r in readinesses}
        for row in rows:
            by_company[row.company.id].append((row, figures[row.id]))
        result = {name: {} for name in names}
        for readiness in readinesses:
            values = cls.figures(by_company[readiness.company.id])
            for name in names:
                result[name][readiness.id] = values[name]
        return result

    @classmethod
    def figures(cls, rows):
        "Return the figures of a municipality from its (row, figures)"
        front_office = [f for r, f in rows if r.role == 'front_office']
        blocking = cls.blocks_go_live(rows)
        return {
            'staff': len(rows),
            'trained': sum(f['trained_count'] for _, f in rows),
            'certified': sum(f['certified_count'] for _, f in rows),
            'expiring': sum(f['expiring_count'] for _, f in rows),
            'front_office': len(front_office),
            'front_office_certified': sum(
                f['certified_count'] for f in front_office),
            'ready': not blocking,
            'blocking': '\n'.join(blocking) or None,
            }

    @classmethod
    def blocks_go_live(cls, rows):
        """Return the texts of what keeps the municipality of the coverage
        (row, figures) from going live; empty when it is ready"""
        front_office = [r for r, _ in rows if r.role == 'front_office']
        if not front_office:
            return [gettext('ossis_training.msg_readiness_no_front_office')]
        uncertified = sorted(
            r.user.rec_name for r, f in rows
            if r.role == 'front_office' and not f['certified'])
        if uncertified:
            return [gettext(
                    'ossis_training.msg_readiness_front_office_uncertified',
                    names=', '.join(uncertified))]
        return []
