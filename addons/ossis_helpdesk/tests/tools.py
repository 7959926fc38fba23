# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Help desk records for the tests"
from trytond.modules.ossis_base.tests.test_module import create_lgu_user
from trytond.pool import Pool


def agent(login, team='team_call_centre'):
    """Create a national help desk agent, of no municipality, member of the
    team"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login,
                'name': login,
                'email': f'{login}@helpdesk.example.al',
                'groups': [('add', [
                            ModelData.get_id('ossis_base', 'group_helpdesk'),
                            ])],
                'helpdesk_teams': [('add', [
                            ModelData.get_id('ossis_helpdesk', team)])],
                }])
    return user


def staff(login, company, group='group_front_office'):
    "Create a user of the municipality in the role, with an email address"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user = create_lgu_user(login, company, group)
    User.write([user], {
            'email': f'{login}@example.al',
            'groups': [('add', [
                        ModelData.get_id('ossis_base', 'group_staff')])],
            })
    return user


def category(kind):
    pool = Pool()
    Category = pool.get('ossis.helpdesk.category')
    ModelData = pool.get('ir.model.data')
    return Category(ModelData.get_id('ossis_helpdesk', f'category_{kind}'))


def ticket(company, reporter, subject="Cannot print the receipt", **values):
    "Create a ticket of the reporter in the municipality"
    Ticket = Pool().get('ossis.helpdesk.ticket')
    record, = Ticket.create([{
                'company': company.id,
                'reporter': reporter.id if reporter else None,
                'subject': subject,
                'description': values.pop('description', "It fails."),
                'category': category(values.pop('kind', 'error')).id,
                **values,
                }])
    return record
