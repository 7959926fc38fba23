# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the scenarios (scenario_*.rst), through proteus

They set up what a scenario needs but does not describe: the administrator
of the database working for some municipalities, a municipality's desk and
back office unit with their staff, its offer of some national services;
and the day the scenario runs on.
"""
import io
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import Mock, patch

from proteus import Model
from proteus.config import get_config
from pypdf import PdfReader

from trytond.tests.tools import set_user

# The module of the OSSIS roles (groups), the only module named here
ROLES_MODULE = 'ossis_base'
# The XML id of the group of each role
ROLE_GROUPS = {
    'front_office': 'group_front_office',
    'back_office': 'group_back_office',
    'unit_head': 'group_unit_head',
    'lgu_admin': 'group_lgu_admin',
    'national_admin': 'group_national_admin',
    }


def get_municipality(code, config=None):
    "Return the municipality (company) of the code"
    Company = Model.get('company.company', config=config)
    company, = Company.find([('code', '=', code)])
    return company


def administer(*companies, config=None):
    """Let the current user (the administrator of the database) work for
    the municipalities, the first one as current, and refresh its session"""
    User = Model.get('res.user', config=config)
    config = config or get_config()
    user = User(config.user)
    Company = Model.get('company.company', config=config)
    for company in companies:
        if company not in user.companies:
            user.companies.append(Company(company.id))
    user.company = companies[0]
    user.save()
    set_user(user.id, config=config)


def role_group(role, config=None):
    "Return the group of the OSSIS role"
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    config = config or get_config()
    return Group(ModelData.get_id(
            ROLES_MODULE, ROLE_GROUPS[role], config.context))


def create_org_unit(company, name, type, config=None, **values):
    """Create an org unit of the municipality; a front office desk stands in
    the seat of the municipality unless told otherwise"""
    OrgUnit = Model.get('ossis.org_unit', config=config)
    AdministrativeUnit = Model.get('ossis.administrative_unit', config=config)
    if type == 'front_office' and 'administrative_unit' not in values:
        values['administrative_unit'], = AdministrativeUnit.find([
                ('company', '=', company.id),
                ('seat', '=', True),
                ])
    unit = OrgUnit(company=company, name=name, type=type, **values)
    unit.save()
    return unit


def create_staff(
        login, company, role, units=(), head_of=(), name=None, config=None):
    """Create the user of the login in the role, working for the
    municipality as an employee of the units (and head of head_of)"""
    Party = Model.get('party.party', config=config)
    Employee = Model.get('company.employee', config=config)
    User = Model.get('res.user', config=config)
    OrgUnit = Model.get('ossis.org_unit', config=config)
    Company = Model.get('company.company', config=config)
    name = name or login
    user = User(login=login, name=name)
    user.companies.append(Company(company.id))
    user.company = company
    user.groups.append(role_group(role, config=config))
    if units or head_of:
        party = Party(name=name)
        party.save()
        employee = Employee(company=company, party=party)
        for unit in units:
            employee.org_units.append(OrgUnit(unit.id))
        employee.save()
        user.employees.append(employee)
        user.employee = employee
        for unit in head_of:
            unit = OrgUnit(unit.id)
            unit.head = employee
            unit.save()
    user.save()
    return user


def offer_services(company, codes, desk, unit, config=None):
    """Offer the national services of the codes at the desk, processed by
    the unit, with their national fee and deadline"""
    Service = Model.get('ossis.service', config=config)
    Offer = Model.get('ossis.lgu.service', config=config)
    OrgUnit = Model.get('ossis.org_unit', config=config)
    offers = {}
    for service in Service.find([
                ('code', 'in', list(codes)),
                ('state', '=', 'published'),
                ]):
        # The offer is given the code, not the service, whose on_change
        # fails in 8.0 (it reads responsible_unit, not among its depends)
        offer = Offer(company=company, service_code=service.code)
        offer.fee = service.fee or Decimal(0)
        offer.days = service.promise_days
        offer.responsible_unit = OrgUnit(unit.id)
        offer.desks.append(OrgUnit(desk.id))
        offer.save()
        offers[service.code] = offer
    return offers


def set_up_municipality(code, services=(), names=None, config=None):
    """Set up the municipality to process applications of the services, as
    the administrator of the database working for it (see administer)

    A front desk and a back office unit responsible for the services; a
    front office clerk at the desk, a back office specialist and the head of
    the unit, an administrator of the municipality; the offer of the
    services.  The users' logins are <code>.front, <code>.back, <code>.head
    and <code>.admin; names gives the names of the people by role (front,
    back, head, admin), else they are named after their login."""
    names = names or {}
    company = get_municipality(code, config=config)
    desk = create_org_unit(
        company, "Front Desk", 'front_office', config=config)
    unit = create_org_unit(
        company, "Services Directorate", 'back_office', config=config)
    return SimpleNamespace(
        company=company,
        desk=desk,
        unit=unit,
        front=create_staff(
            f'{code}.front', company, 'front_office', [desk],
            name=names.get('front'), config=config),
        back=create_staff(
            f'{code}.back', company, 'back_office', [unit],
            name=names.get('back'), config=config),
        head=create_staff(
            f'{code}.head', company, 'unit_head', [unit], head_of=[unit],
            name=names.get('head'), config=config),
        admin=create_staff(
            f'{code}.admin', company, 'lgu_admin',
            name=names.get('admin'), config=config),
        offers=offer_services(company, services, desk, unit, config=config),
        )


def set_today(date, config=None):
    """Make the date the today of the server (ir.date), so that the scenario
    runs on the days it names

    Only the date: the times stored (submission, history) stay the real
    ones.  It patches the pool of the trytond configuration of proteus;
    doctest_teardown ends it (patch.stopall)."""
    config = config or get_config()
    Date = config.pool.get('ir.date')
    today = Date.__dict__.get('today')
    if not isinstance(today, Mock):
        today = patch.object(Date, 'today').start()
    today.return_value = date


def pdf_text(content):
    "Return the text of the pages of a PDF"
    return '\n'.join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
