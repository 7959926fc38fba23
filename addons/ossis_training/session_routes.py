# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The learner's sessions, their rating, and the certificates to download

A learner reads neither the sessions nor their participants in the staff
client: the page reads the learner's own participations as the server,
and the rating goes through Attendee.rate, whose rules refuse a
participant who did not attend, a second rating or one out of 1 to 5."""
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.transaction import without_check_access

from .exceptions import RatingError
from .web import find, learner_route


def participations(learning):
    "Return the learner's participations, the latest session first"
    Attendee = learning.pool.get('ossis.training.session.attendee')
    with without_check_access():
        attendees = Attendee.search([
                ('user', '=', learning.learner.id),
                ('session.state', 'in', ['planned', 'done']),
                ])
    return sorted(
        attendees, key=lambda a: a.session.start_at, reverse=True)


def sessions_page(learning, error=None, rated=None, status=200):
    Certificate = learning.pool.get('ossis.training.certificate')
    # The record rules give the learner their own certificates
    certificates = Certificate.search([('user', '=', learning.learner.id)])
    with without_check_access():
        return learning.render(
            'sessions.html', status=status,
            attendees=participations(learning), certificates=certificates,
            error=error, rated=rated)


@learner_route('/sessions')
def sessions(learning):
    return sessions_page(learning)


@learner_route('/sessions/<int:attendee_id>/rate', methods=('POST',))
def rate(learning, attendee_id):
    Attendee = learning.pool.get('ossis.training.session.attendee')
    form = learning.request.form
    attendee = next(
        (a for a in participations(learning) if a.id == attendee_id), None)
    if not attendee:
        raise NotFound()
    try:
        rating = int(form.get('rating', ''))
    except ValueError:
        rating = None
    try:
        with without_check_access():
            Attendee.rate(attendee, rating, form.get('comment', '')[:2000])
    except RatingError as exception:
        # Refused before anything is written
        return sessions_page(
            learning, error=(attendee.id, exception.message), status=400)
    return sessions_page(learning, rated=attendee.id)


@learner_route('/certificates/<int:certificate_id>/pdf')
def certificate_pdf(learning, certificate_id):
    Report = learning.pool.get(
        'ossis.training.certificate.report', type='report')
    certificate = find(
        learning, 'ossis.training.certificate', certificate_id)
    content = Report.render(certificate, learning.language)
    response = Response(content, content_type='application/pdf')
    response.headers.set(
        'Content-Disposition', 'attachment',
        filename=f'certificate-{certificate.code}.pdf')
    return response
