# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the certificates: issued on completion, revoked, verified, printed,
and required for the groups of the roles where a municipality asks"""
import datetime as dt
import io
import re
import unittest

from pypdf import PdfReader

from trytond import config
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import as_user
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_training.exceptions import (
    CertificateError, RoleCertificateError)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import course, learner, municipalities, path, session, trainer

CODE = re.compile(r'^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$')


class CertificateTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the training certificates"
    module = 'ossis_training'

    def setup(self, validity=None):
        "A front office path of a course read and attended in a session"
        pool = Pool()
        Session = pool.get('ossis.training.session')
        self.elbasan, self.pogradec = municipalities()
        self.trainer = trainer('el.trainer', self.elbasan)
        self.arta = learner('el.arta', self.elbasan)
        self.course = course('FO-1')
        self.path = path(
            [self.course], attendance=[self.course], validity=validity)
        self.session = session(
            self.course, self.elbasan, [self.trainer], state='planned')
        self.attendee, = Session.enrol(self.session, [self.arta])
        Session.do([self.session])

    def complete(self, user=None):
        "Read the lessons and attend the session"
        pool = Pool()
        Progress = pool.get('ossis.training.lesson.progress')
        Attendee = pool.get('ossis.training.session.attendee')
        Progress.mark_read(list(self.course.lessons), user or self.arta)
        Attendee.write([self.attendee], {'attended': True})

    @with_transaction()
    def test_issued_when_path_complete(self):
        """Test the certificate is issued once the path is complete, with
        its code and expiry, and once only"""
        pool = Pool()
        Path = pool.get('ossis.training.path')
        Progress = pool.get('ossis.training.lesson.progress')
        Certificate = pool.get('ossis.training.certificate')
        self.setup(validity=24)

        Progress.mark_read(list(self.course.lessons), self.arta)
        self.assertEqual(Certificate.issue_completed([self.arta]), [])
        missing, = Path.missing([self.path], self.arta).values()
        self.assertEqual(missing, [
                'Attend a classroom or online session of the course '
                '"Course FO-1".'])
        # Marking the attendance completes the path
        self.complete()
        certificate, = Certificate.search([])
        self.assertEqual(
            (certificate.user, certificate.path, certificate.company,
                certificate.state, certificate.role),
            (self.arta, self.path, self.elbasan, 'valid', 'front_office'))
        self.assertRegex(certificate.code, CODE)
        today = dt.date.today()
        self.assertEqual(certificate.issued_date, today)
        self.assertEqual(
            (certificate.expiry_date.year - today.year) * 12
            + certificate.expiry_date.month - today.month, 24)
        self.assertEqual(Certificate.issue_completed([self.arta]), [])
        # An expired certificate is issued anew
        Certificate.write([certificate], {
                'expiry_date': today - dt.timedelta(days=1)})
        self.assertEqual(len(Certificate.issue_completed([self.arta])), 1)

        # Reading the last lesson of a path completes it too
        other = course('BO-1', lessons=2)
        other_path = path([other], role='back_office')
        Progress.mark_read(other.lessons[:1], self.arta)
        self.assertFalse(Certificate.search([('path', '=', other_path.id)]))
        Progress.mark_read(other.lessons[1:], self.arta)
        self.assertTrue(Certificate.search([('path', '=', other_path.id)]))

    @with_transaction()
    def test_revoke_and_verify(self):
        """Test a certificate is revoked only with a reason, and verifies as
        revoked with it; an unknown code is not found"""
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        Verification = pool.get('ossis.portal.verification')
        self.setup()
        self.complete()
        certificate, = Certificate.search([])

        result = Verification.lookup(certificate.code.lower().replace(
                '-', ' '))
        self.assertTrue(result['valid'])
        self.assertEqual(result['status'],
            "This training certificate is valid.")
        self.assertIn(("Awarded to", 'el.arta'), result['details'])
        self.assertEqual(result['company'], self.elbasan)

        with self.assertRaises(CertificateError):
            Certificate.revoke([certificate])
        self.assertEqual(Certificate(certificate.id).state, 'valid')
        Certificate.write([certificate], {
                'revoke_reason': "Issued by mistake."})
        Certificate.revoke([certificate])
        self.assertEqual(certificate.state, 'revoked')
        with self.assertRaises(CertificateError):
            Certificate.write([certificate], {'revoke_reason': "Other."})
        self.assertEqual(
            Certificate(certificate.id).revoke_reason, "Issued by mistake.")

        result = Verification.lookup(certificate.code)
        self.assertFalse(result['valid'])
        self.assertEqual(result['status'],
            "This training certificate was revoked: Issued by mistake.")
        for text in ['', 'XXXX', '0000-0000-0000-0000']:
            self.assertIsNone(Verification.lookup(text))

    @with_transaction()
    def test_pdf(self):
        """Test the PDF names the learner, the path and its courses, with
        the code and the address of the verification in its QR code"""
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        Report = pool.get(
            'ossis.training.certificate.report', type='report')
        self.setup(validity=12)
        self.complete()
        certificate, = Certificate.search([])
        if not config.has_section('ossis_portal'):
            config.add_section('ossis_portal')
        previous = config.get('ossis_portal', 'verify_url')
        config.set('ossis_portal', 'verify_url',
            'https://portal.example.al/verify/{verification_code}')
        self.addCleanup(
            config.set, 'ossis_portal', 'verify_url', previous or '')
        extension, content = Report.render_records([certificate], 'en')
        self.assertEqual(extension, 'pdf')
        page, = PdfReader(io.BytesIO(content)).pages
        text = page.extract_text()
        for expected in [
                "Training Certificate", "el.arta", "Path front_office",
                "Course FO-1", certificate.code, "Valid until",
                f"https://portal.example.al/verify/{certificate.code}"]:
            self.assertIn(expected, text)

    @with_transaction()
    def test_role_needs_certificate(self):
        """Test the group of a role is refused without the certificate of
        its path where the municipality asks, naming the course, and
        nothing is stored"""
        pool = Pool()
        User = pool.get('res.user')
        Company = pool.get('company.company')
        ModelData = pool.get('ir.model.data')
        front = ModelData.get_id('ossis_base', 'group_front_office')
        trainer_group = ModelData.get_id('ossis_base', 'group_trainer')
        self.setup()
        besa = learner('el.besa', self.elbasan)
        User.write([besa], {'groups': [('add', [front])]})
        # Until the municipality asks for it
        Company.write([self.elbasan], {'training_required': True})
        for user in [self.arta, besa]:
            User.write([user], {'groups': [('remove', [front])]})

        with self.assertRaises(RoleCertificateError) as cm:
            User.write([self.arta], {'groups': [('add', [front])]})
        self.assertIn("Course FO-1", cm.exception.message)
        self.assertIn("Front Office Operator", cm.exception.message)
        self.assertNotIn(front, [g.id for g in User(self.arta.id).groups])
        # Other groups are given as before
        User.write([self.arta], {'groups': [('add', [trainer_group])]})

        self.complete()
        User.write([self.arta], {'groups': [('add', [front])]})
        self.assertIn(front, [g.id for g in User(self.arta.id).groups])

    @with_transaction()
    def test_isolation(self):
        """Test the certificates are seen by their learner and the
        trainers and administrators of their municipality only, also
        through related fields"""
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        self.setup()
        self.complete()
        certificate, = Certificate.search([])
        besa = learner('el.besa', self.elbasan)
        pogradec_admin = learner('po.admin', self.pogradec)
        User.write([pogradec_admin], {'groups': [('add', [
                            ModelData.get_id(
                                'ossis_base', 'group_lgu_admin')])]})
        pogradec_trainer = trainer('po.trainer', self.pogradec)

        for user in [self.arta, self.trainer]:
            with as_user(user):
                self.assertEqual(Certificate.search([]), [certificate])
        for user in [besa, pogradec_admin, pogradec_trainer]:
            with self.subTest(user=user.login), as_user(user):
                self.assertEqual(Certificate.search([]), [])
                self.assertEqual(Certificate.search([
                            ('user.login', '=', 'el.arta')]), [])
                self.assertEqual(Certificate.search([
                            ('path.courses.course', '=', self.course.id)]),
                    [])
                with self.assertRaises(AccessError):
                    Certificate.read([certificate.id], ['code'])
