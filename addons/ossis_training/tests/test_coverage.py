# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the training coverage of the staff and the go-live readiness of the
municipalities: the figures, the export and who sees them"""
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import course, municipalities, path


class CoverageTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the training coverage and the go-live readiness"
    module = 'ossis_training'

    def setup(self):
        """Elbasan: two front office operators (one certified, for a month),
        a back office specialist and an administrator; Pogradec: a
        certified front office operator and an administrator"""
        pool = Pool()
        Progress = pool.get('ossis.training.lesson.progress')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        Path = pool.get('ossis.training.path')
        self.elbasan, self.pogradec = municipalities()
        # The paths of the starter content are left out of the counts
        Path.write(Path.search([]), {'active': False})
        self.course = course('FO-1', lessons=2)
        self.path = path([self.course], validity=1)
        users = {}
        for login, company, group in [
                ('el.front', self.elbasan, 'group_front_office'),
                ('el.desk', self.elbasan, 'group_front_office'),
                ('el.back', self.elbasan, 'group_back_office'),
                ('el.admin', self.elbasan, 'group_lgu_admin'),
                ('po.front', self.pogradec, 'group_front_office'),
                ('po.admin', self.pogradec, 'group_lgu_admin'),
                ]:
            users[login] = create_lgu_user(login, company, group)
        self.users = users
        national = create_lgu_user(
            'national.trainer', self.elbasan, 'group_trainer')
        User.write([national], {
                'companies': [('add', [self.pogradec.id])],
                'company_filter': 'all',
                'groups': [('add', [ModelData.get_id(
                                'ossis_training',
                                'group_training_national')])],
                })
        self.national = national
        for login in ['el.front', 'po.front']:
            Progress.mark_read(list(self.course.lessons), users[login])

    def rows(self, company):
        pool = Pool()
        Coverage = pool.get('ossis.training.coverage')
        return {(r.user.login, r.role): r for r in Coverage.search([
                    ('company', '=', company.id)])}

    @with_transaction()
    def test_figures(self):
        """Test the coverage of each person and role, its searches and the
        readiness, which waits for every front office operator"""
        pool = Pool()
        Coverage = pool.get('ossis.training.coverage')
        Readiness = pool.get('ossis.training.readiness')
        Progress = pool.get('ossis.training.lesson.progress')
        Certificate = pool.get('ossis.training.certificate')
        self.setup()

        rows = self.rows(self.elbasan)
        self.assertEqual(set(rows), {
                ('el.front', 'front_office'), ('el.desk', 'front_office'),
                ('el.back', 'back_office'), ('el.admin', 'lgu_admin'),
                # The national trainer is in no role of the coverage
                })
        front, desk = rows['el.front', 'front_office'], rows[
            'el.desk', 'front_office']
        certificate, = Certificate.search([('user', '=', front.user.id)])
        self.assertEqual(
            (front.path, front.trained, front.certified, front.expiry_date,
                front.expiring, front.missing),
            (self.path, True, True, certificate.expiry_date, True, None))
        self.assertEqual(
            (desk.path, desk.trained, desk.certified, desk.expiry_date,
                desk.missing),
            (self.path, False, False, None, "Course FO-1"))
        back = rows['el.back', 'back_office']
        # No path for the role: nothing to complete, nobody trained
        self.assertEqual((back.path, back.trained, back.missing),
            (None, False, None))
        self.assertEqual(
            {(r.user.login, r.role) for r in Coverage.search([
                        ('company', '=', self.elbasan.id),
                        ('trained', '=', False),
                        ])},
            {('el.desk', 'front_office'), ('el.back', 'back_office'),
                ('el.admin', 'lgu_admin')})
        self.assertEqual(
            {r.user.login for r in Coverage.search([
                        ('expiring', '=', True)])},
            {'el.front', 'po.front'})

        elbasan, = Readiness.search([('company', '=', self.elbasan.id)])
        self.assertEqual(
            (elbasan.staff, elbasan.trained, elbasan.certified,
                elbasan.expiring, elbasan.front_office,
                elbasan.front_office_certified, elbasan.ready,
                elbasan.blocking),
            (4, 1, 1, 1, 2, 1, False,
                "Front office operators without a certificate in force: "
                "el.desk."))
        pogradec, = Readiness.search([('company', '=', self.pogradec.id)])
        self.assertTrue(pogradec.ready)

        # A revoked certificate no longer counts; a new one makes it ready
        Certificate.write([certificate], {'revoke_reason': "Mistake."})
        Certificate.revoke([certificate])
        Progress.mark_read(list(self.course.lessons), desk.user)
        elbasan = Readiness(elbasan.id)
        self.assertEqual(
            (elbasan.trained, elbasan.certified, elbasan.ready),
            (2, 1, False))
        Certificate.issue_completed([front.user])
        elbasan = Readiness(elbasan.id)
        self.assertEqual((elbasan.certified, elbasan.ready, elbasan.blocking),
            (2, True, None))

    @with_transaction()
    def test_no_front_office(self):
        "Test a municipality without front office operators is not ready"
        pool = Pool()
        Readiness = pool.get('ossis.training.readiness')
        ModelData = pool.get('ir.model.data')
        UserGroup = pool.get('res.user-res.group')
        self.setup()
        UserGroup.delete(UserGroup.search([
                    ('user', '=', self.users['po.front'].id),
                    ('group', '=', ModelData.get_id(
                            'ossis_base', 'group_front_office')),
                    ]))
        pogradec, = Readiness.search([('company', '=', self.pogradec.id)])
        self.assertEqual((pogradec.ready, pogradec.blocking),
            (False, "The municipality has no front office operator yet."))

    @with_transaction()
    def test_isolation(self):
        """Test municipality administrators see their municipality only,
        also through the people's logins, the national training team
        every municipality and the front office nothing"""
        pool = Pool()
        Coverage = pool.get('ossis.training.coverage')
        Readiness = pool.get('ossis.training.readiness')
        self.setup()
        pogradec_rows = list(self.rows(self.pogradec).values())
        pogradec_readiness, = Readiness.search([
                ('company', '=', self.pogradec.id)])

        with as_user(self.users['el.admin']):
            self.assertEqual(
                {r.company for r in Coverage.search([])}, {self.elbasan})
            self.assertEqual(Coverage.search([
                        ('user.login', '=', 'po.front')]), [])
            self.assertEqual(Coverage.search([
                        ('company.code', '=', 'pogradec')]), [])
            self.assertEqual(
                [r.company for r in Readiness.search([])], [self.elbasan])
            with self.assertRaises(AccessError):
                Coverage.read([pogradec_rows[0].id], ['user'])
            with self.assertRaises(AccessError):
                Readiness.read([pogradec_readiness.id], ['ready'])
        with as_user(self.national):
            self.assertEqual(
                {r.company for r in Readiness.search([])},
                {self.elbasan, self.pogradec})
            self.assertEqual(
                len(Coverage.search([('company', '=', self.pogradec.id)])),
                len(pogradec_rows))
        with as_user(self.users['el.front']):
            with self.assertRaises(AccessError):
                Coverage.search([])

    @with_transaction()
    def test_export(self):
        """Test the coverage exports to CSV with the columns of its list,
        as the administrator reads them"""
        pool = Pool()
        Coverage = pool.get('ossis.training.coverage')
        ModelData = pool.get('ir.model.data')
        Report = pool.get('ossis.monitoring.export.csv', 'report')
        self.setup()
        admin = self.users['el.admin']
        with as_user(admin):
            rows = Coverage.search([('user.login', '=', 'el.desk')])
            _, content, _, _ = Report.execute([r.id for r in rows], {
                    'model': 'ossis.training.coverage',
                    'action_id': ModelData.get_id(
                        'ossis_training', 'report_coverage_csv'),
                    })
        header, line = content.decode('utf-8-sig').splitlines()
        self.assertEqual(header, (
                "Municipality,Administrative Unit,Person,Role,Learning Path,"
                "Trained,Certified,Certificate Expires,Expiring Soon,"
                "Still Needed"))
        self.assertEqual(line, (
                f"{self.elbasan.rec_name},,el.desk,Front Office Operator,"
                f"Path front_office,0,0,,0,Course FO-1"))
