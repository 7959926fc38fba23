# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A municipality set up to process applications, for tests and benchmarks

One front desk, the back office unit responsible for the services and its
head, each with a user in the OSSIS role; and the municipality's offer of
the given national services at that desk.
"""
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.pool import Pool
from trytond.transaction import Transaction

# A personal number with a valid check letter
NID = 'J00101999W'
# How many personal numbers valid_identifier gives: 1000 a day, from the 2nd
# to the 28th of each month of 100 years, for men and for women
PERSONAL_NUMBERS = 1000 * 27 * 24 * 100


def valid_identifier(serial, kind='person'):
    """Return a NID (person) or NIPT (business) with its check letter, one
    for each serial below PERSONAL_NUMBERS; a NID gives a date of birth of
    the 20th century"""
    from trytond.modules.ossis_base import identifier
    if kind == 'person':
        rest, number = divmod(serial % PERSONAL_NUMBERS, 1000)
        rest, day = divmod(rest, 27)
        rest, month = divmod(rest, 24)
        # Women's months are 51 to 62
        month += 1 if month < 12 else 51 - 12
        decade, year = divmod(rest, 10)
        body = f'{"JIHGFEDCBA"[decade]}{year}{month:02d}{day + 2:02d}'
        body += f'{number:03d}'
    else:
        body = f'L{serial:08d}'
    return body + identifier.check_letter(body)


def employee(company, name, units, head_of=None):
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    OrgUnit = pool.get('ossis.org_unit')
    party, = Party.create([{'name': name}])
    record, = Employee.create([{
                'company': company.id,
                'party': party.id,
                'org_units': [('add', [u.id for u in units])],
                }])
    if head_of:
        OrgUnit.write(list(head_of), {'head': record.id})
    return record


def staff_user(login, company, group, record):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user = create_lgu_user(login, company, group)
    User.write([user], {
            'employees': [('add', [record.id])],
            'employee': record.id,
            'groups': [('add', [
                        ModelData.get_id('ossis_base', 'group_staff')])],
            })
    return user


def municipality(code, services=('TAX-05', 'URB-09'), prefix=None):
    """Set up the municipality of the code and return its desk, unit,
    users and offers"""
    pool = Pool()
    OrgUnit = pool.get('ossis.org_unit')
    AdministrativeUnit = pool.get('ossis.administrative_unit')
    Service = pool.get('ossis.service')
    Offer = pool.get('ossis.lgu.service')
    prefix = prefix or code
    company = lgu(code)
    admin_unit, = AdministrativeUnit.search([
            ('company', '=', company.id)], limit=1)
    published = Service.get_published(services)
    desk, unit, other_unit = OrgUnit.create([{
                'company': company.id,
                'name': "Front Desk",
                'type': 'front_office',
                'administrative_unit': admin_unit.id,
                }, {
                'company': company.id,
                'name': "Services Directorate",
                'type': 'back_office',
                }, {
                'company': company.id,
                'name': "Another Directorate",
                'type': 'back_office',
                }])
    front = employee(company, "Front Clerk", [desk])
    back = employee(company, "Back Officer", [unit])
    head = employee(company, "Head of Unit", [unit], head_of=[unit])
    other = employee(company, "Other Officer", [other_unit])
    offers = Offer.create([{
                'company': company.id,
                'service_code': code_,
                'service': published[code_].id,
                'fee': published[code_].fee or Decimal(0),
                'days': published[code_].promise_days,
                'responsible_unit': unit.id,
                'desks': [('add', [desk.id])],
                'online': published[code_].offered_online,
                } for code_ in services])
    return SimpleNamespace(
        company=company,
        admin_unit=admin_unit,
        desk=desk,
        unit=unit,
        other_unit=other_unit,
        offers={o.service_code: o for o in offers},
        front=staff_user(
            f'{prefix}.front', company, 'group_front_office', front),
        back=staff_user(f'{prefix}.back', company, 'group_back_office', back),
        head=staff_user(f'{prefix}.head', company, 'group_unit_head', head),
        other=staff_user(
            f'{prefix}.other', company, 'group_back_office', other),
        employees=SimpleNamespace(
            front=front, back=back, head=head, other=other),
        )


def user_context(user):
    "The context of the user's session, as the client sends it"
    return {
        'company': user.company.id,
        'employee': user.employee.id if user.employee else None,
        }


def reset_user_cache():
    pool = Pool()
    User = pool.get('res.user')
    User._get_groups_cache.clear()
    Transaction().counter += 1


def as_staff(user):
    "Act as the user in the user's session"
    stack = as_user(user)

    class Session:
        def __enter__(self):
            stack.__enter__()
            self.context = Transaction().set_context(
                user_context(user))
            self.context.__enter__()

        def __exit__(self, *exc):
            self.context.__exit__(*exc)
            stack.__exit__(*exc)
    return Session()
