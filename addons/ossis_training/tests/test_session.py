# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the sessions: capacity, calendar invitation, attendance sheet,
attendance and rating, and who sees them"""
import datetime as dt
import io
import unittest

from pypdf import PdfReader

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import as_user
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_training import calendar_file, invitation
from trytond.modules.ossis_training.exceptions import (
    RatingError, SessionError, SessionValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import START, course, learner, municipalities, session, trainer


class SessionTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the classroom and online sessions"
    module = 'ossis_training'

    def setup(self, capacity=2, state='planned'):
        elbasan, pogradec = municipalities()
        self.elbasan, self.pogradec = elbasan, pogradec
        self.trainer = trainer('el.trainer', elbasan)
        self.arta = learner('el.arta', elbasan, 'arta@elbasan.example.al')
        self.besa = learner('el.besa', elbasan, 'besa@elbasan.example.al')
        self.course = course('FO-1')
        self.session = session(
            self.course, elbasan, [self.trainer], capacity=capacity,
            state=state)
        return self.session

    @with_transaction()
    def test_enrol_over_capacity(self):
        "Test enrolment over the capacity is refused and stores nothing"
        pool = Pool()
        Session = pool.get('ossis.training.session')
        Attendee = pool.get('ossis.training.session.attendee')
        session = self.setup(capacity=1)
        Session.enrol(session, [self.arta])

        with self.assertRaises(SessionValidationError) as cm:
            Session.enrol(session, [self.besa])
        self.assertIn("1 places", cm.exception.message)
        self.assertEqual(
            [a.user for a in Attendee.search([])], [self.arta])
        # Enrolling again who is enrolled takes no other place
        self.assertEqual(Session.enrol(session, [self.arta]), [])

    @with_transaction()
    def test_enrol_closed_session(self):
        "Test nobody enrols in a session done or cancelled"
        pool = Pool()
        Session = pool.get('ossis.training.session')
        Attendee = pool.get('ossis.training.session.attendee')
        session = self.setup(state='done')
        with self.assertRaises(SessionError):
            Session.enrol(session, [self.arta])
        self.assertFalse(Attendee.search([]))

    @with_transaction()
    def test_plan_needs_place(self):
        "Test a session is planned only with a place or an online link"
        pool = Pool()
        Session = pool.get('ossis.training.session')
        session = self.setup(state='draft')
        Session.write([session], {'place': None})
        with self.assertRaises(SessionError):
            Session.plan([session])
        self.assertEqual(Session(session.id).state, 'draft')
        Session.write([session], {'online_url': 'https://meet.example.al/x'})
        Session.plan([session])
        self.assertEqual(session.state, 'planned')

    def test_calendar_file(self):
        "Test the calendar file is an iCalendar request folded at 75 octets"
        ics = calendar_file.request(
            'uid-1@example.al', START, START + dt.timedelta(hours=2),
            summary="Pritja; në sportel, " + "ë" * 80,
            location="Bashkia, salla 3", url='https://meet.example.al/a',
            organizer=("Bashkia Elbasan", 'oss@elbasan.example.al'),
            attendee=("Arta Hoxha", 'arta@example.al'),
            stamp=START)
        lines = ics.split(b'\r\n')
        self.assertEqual(lines[0], b'BEGIN:VCALENDAR')
        self.assertEqual(lines[-1], b'')
        self.assertTrue(all(len(l) <= 75 for l in lines))
        text = ics.decode().replace('\r\n ', '')
        for line in [
                'METHOD:REQUEST', 'UID:uid-1@example.al',
                'DTSTART:20310304T070000Z', 'DTEND:20310304T090000Z',
                'LOCATION:Bashkia\\, salla 3',
                'URL:https://meet.example.al/a',
                'ORGANIZER;CN="Bashkia Elbasan":mailto:oss@elbasan.example.al',
                ]:
            self.assertIn(line + '\r\n', text)
        self.assertIn('SUMMARY:Pritja\\; në sportel\\, ' + 'ë' * 80, text)

    @with_transaction()
    def test_invitation_email(self):
        """Test the invitation is in the participant's language with the
        calendar file of the session; invitations need addresses"""
        pool = Pool()
        Session = pool.get('ossis.training.session')
        User = pool.get('res.user')
        session = self.setup()
        Session.enrol(session, [self.arta])
        attendee, = session.attendees
        message = invitation.build(attendee)
        self.assertEqual(message['To'], 'arta@elbasan.example.al')
        self.assertIn("Course FO-1", message['Subject'])
        parts = {p.get_content_type(): p for p in message.iter_attachments()}
        ics = parts['text/calendar']
        self.assertEqual(ics.get_param('method'), 'REQUEST')
        self.assertIn('LOCATION:Town hall\\, room 12', ics.get_content())

        User.write([self.arta], {'email': None})
        with self.assertRaises(SessionError) as cm:
            Session.invite([session])
        self.assertIn('el.arta', cm.exception.message)
        self.assertEqual(Session(session.id).attendees[0].invitation, None)

    @with_transaction()
    def test_attendance_sheet(self):
        "Test the attendance sheet lists the participants to sign"
        pool = Pool()
        Session = pool.get('ossis.training.session')
        Sheet = pool.get('ossis.training.session.attendance', type='report')
        session = self.setup()
        Session.enrol(session, [self.arta, self.besa])
        extension, content = Sheet.render_records([session], 'en')
        self.assertEqual(extension, 'pdf')
        text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
        for expected in ["Attendance Sheet", "Course FO-1", "el.arta",
                "el.besa", "Signature", "Town hall, room 12", "el.trainer"]:
            self.assertIn(expected, text)

    @with_transaction()
    def test_attendance_and_rating(self):
        """Test attendance is marked once the session is done and only who
        attended rates it, once, from 1 to 5; nothing stored otherwise"""
        pool = Pool()
        Session = pool.get('ossis.training.session')
        Attendee = pool.get('ossis.training.session.attendee')
        session = self.setup()
        arta, besa = Session.enrol(session, [self.arta, self.besa])

        with self.assertRaises(SessionError):
            Attendee.write([arta], {'attended': True})
        Session.do([session])
        Attendee.write([arta], {'attended': True})

        with self.assertRaises(RatingError):
            Attendee.rate(besa, 4, "Good")
        for rating in [0, 6, None]:
            with self.assertRaises(RatingError):
                Attendee.rate(arta, rating, "Good")
        self.assertEqual(
            [(a.rating, a.comment) for a in Attendee.browse([arta, besa])],
            [(None, None), (None, None)])
        Attendee.rate(arta, 4, " Clear and practical. ")
        with self.assertRaises(RatingError):
            Attendee.rate(arta, 5)
        arta = Attendee(arta.id)
        self.assertEqual((arta.rating, arta.comment),
            (4, "Clear and practical."))
        self.assertEqual(Session(session.id).rating, 4)

    @with_transaction()
    def test_isolation(self):
        """Test a trainer sees only the sessions they give and no one of
        another municipality sees them, also through related fields"""
        pool = Pool()
        Session = pool.get('ossis.training.session')
        Attendee = pool.get('ossis.training.session.attendee')
        session = self.setup()
        Session.enrol(session, [self.arta])
        other_trainer = trainer('el.trainer2', self.elbasan)
        pogradec_trainer = trainer('po.trainer', self.pogradec)
        pogradec_admin = learner('po.admin', self.pogradec)
        pool.get('res.user').write([pogradec_admin], {'groups': [('add', [
                            pool.get('ir.model.data').get_id(
                                'ossis_base', 'group_lgu_admin')])]})
        elbasan_admin = trainer('el.admin', self.elbasan)
        pool.get('res.user').write([elbasan_admin], {'groups': [('add', [
                            pool.get('ir.model.data').get_id(
                                'ossis_base', 'group_lgu_admin')])]})

        with as_user(self.trainer):
            self.assertEqual(Session.search([]), [session])
            self.assertEqual(len(Attendee.search([])), 1)
        with as_user(elbasan_admin):
            self.assertEqual(Session.search([]), [session])
        for user in [other_trainer, pogradec_trainer, pogradec_admin]:
            with self.subTest(user=user.login), as_user(user):
                self.assertEqual(Session.search([]), [])
                self.assertEqual(Attendee.search([]), [])
                self.assertEqual(Session.search([
                            ('attendees.user', '=', self.arta.id)]), [])
                self.assertEqual(Attendee.search([
                            ('session.course', '=', self.course.id)]), [])
                with self.assertRaises(AccessError):
                    Session.read([session.id], ['place'])
                with self.assertRaises(AccessError):
                    Session.write([Session(session.id)], {'capacity': 9})
        self.assertEqual(Session(session.id).capacity, 2)
