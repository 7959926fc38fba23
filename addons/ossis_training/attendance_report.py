# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The attendance sheet of a session, that the participants sign

One page (or more) per session: the details of the session and a line per
participant with their name, their unit and an empty signature cell."""
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from trytond.i18n import gettext
from trytond.modules.ossis_application.application_report import local
from trytond.modules.ossis_services import pdf
from trytond.modules.ossis_services.fiche_report import PDFReport
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access


def label(key, /, **variables):
    return gettext(f'ossis_training.msg_attendance_{key}', **variables)


def unit_of(user):
    "Return the org units of the participant's employee"
    employee = user.employee
    if not employee:
        return ''
    return ', '.join(u.rec_name for u in employee.org_units)


class AttendanceSheet(PDFReport):
    "The attendance sheet of sessions: one PDF, a part per session"
    __name__ = 'ossis.training.session.attendance'

    @classmethod
    def render_records(cls, sessions, language):
        pool = Pool()
        Session = pool.get('ossis.training.session')
        with Transaction().set_context(language=language), \
                without_check_access():
            sessions = Session.browse(sessions)
            story = []
            for session in sessions:
                if story:
                    story.append(PageBreak())
                story += cls.session_story(session)
            return 'pdf', pdf.build(
                story, footer=label('title'), title=label('title'))

    @classmethod
    def get_filename(cls, action, sessions):
        if len(sessions) == 1:
            session, = sessions
            return f'{action.name}-{session.start_at:%Y-%m-%d}'
        return action.name

    @classmethod
    def session_story(cls, session):
        start = local(session.company, session.start_at)
        end = local(session.company, session.end_at)
        details = [
            (label('course'), session.course.rec_name),
            (label('municipality'), session.company.rec_name),
            ]
        if session.unit:
            details.append((label('unit'), session.unit.rec_name))
        details += [
            (label('date'), f'{start:%d.%m.%Y}, '
                f'{start:%H:%M}–{end:%H:%M}'),
            (label('place'), session.place or session.online_url or ''),
            (label('trainers'),
                ', '.join(t.rec_name for t in session.trainers)),
            ]
        story = [pdf.heading(label('title'), 'title')]
        story += [pdf.labelled(k, v) for k, v in details]
        story.append(Spacer(0, 6 * mm))
        rows = [
            [str(i), a.user.rec_name, unit_of(a.user), '']
            for i, a in enumerate(
                sorted(session.attendees, key=lambda a: a.user.rec_name),
                1)]
        table = pdf.grid(
            ['#', label('name'), label('participant_unit'),
                label('signature')],
            rows, [10 * mm, 62 * mm, 52 * mm, pdf.WIDTH - 124 * mm])
        # Room to sign on each line
        table.setStyle(pdf.table_style(
                ('BOTTOMPADDING', (0, 1), (-1, -1), 9 * mm)))
        story.append(table)
        return story
