# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An applicant follows an application on the citizen portal in Chromium

The applicant comes from the QR code of the receipt, types the number of
the application, answers the request for information of the municipality
with a document, and once the staff (over RPC) delivered the output, rates
the service.  The pages work without JavaScript and break no rule of their
Content-Security-Policy."""
import re

from portal_staff import APP, carry, file_application, request_information
from trytond.modules.ossis_application.tests.files import pdf

PDF = pdf("The answer of the applicant")


def test_track_answer_and_feedback(ossis_server, users, page):
    national = users['national.admin']
    application = file_application(users)
    request_information(users, application['id'])
    refused = []
    page.on('console', lambda message: refused.append(message.text)
        if 'Content Security Policy' in message.text else None)
    root = f'{ossis_server.url}/{ossis_server.database}/portal'

    # From the QR code of the receipt: the code is filled in
    page.goto(f"{root}/track?lang=en&code={application['tracking_code']}")
    assert page.get_by_label("Tracking code").input_value() == (
        application['tracking_code'])
    page.get_by_label("Application number").fill(application['number'])
    page.get_by_role('button', name="Show my application").click()
    page.wait_for_url(re.compile(
            rf"/elbasan/applications/{application['number']}$"))
    assert page.get_by_role('heading', level=1).inner_text() == (
        f"Application {application['number']}")
    assert page.get_by_text("Waiting for information from you").is_visible()

    # The answer with a document
    page.get_by_label("Your message").fill("The plan signed by the designer")
    page.get_by_label("Another document").set_input_files(files=[{
                'name': 'plan.pdf', 'mimeType': 'application/pdf',
                'buffer': PDF}])
    page.get_by_role('button', name="Send my answer").click()
    page.wait_for_url(re.compile(r'done=answered'))
    assert "Your answer was sent" in page.get_by_role(
        'status').inner_text()
    assert page.get_by_text("Being processed by the municipality") \
        .is_visible()
    stored, = national.read(APP, [application['id']], ['state'])
    assert stored['state'] == 'in_progress'

    # The staff carry it to the delivery
    carry(users, application['id'])
    page.goto(f"{root}/elbasan/applications/{application['number']}")
    assert page.get_by_text("Delivered", exact=True).is_visible()

    # The feedback
    page.get_by_role('group', name="Your rating").get_by_label(
        "4 – satisfied").check()
    page.get_by_label("Comment (optional)").fill("Quick and clear")
    page.get_by_role('button', name="Send my feedback").click()
    page.wait_for_url(re.compile(r'done=feedback'))
    assert page.get_by_role('status').inner_text() == (
        "Thank you for your feedback.")
    assert page.get_by_role('button', name="Send my feedback").count() == 0
    feedback, = national.search_read('ossis.application.feedback', [
            ('application', '=', application['id']),
            ], ['rating', 'comment', 'channel', 'flagged'])
    assert (feedback['rating'], feedback['comment'], feedback['channel'],
        feedback['flagged']) == (4, "Quick and clear", 'online', False)
    assert not refused, refused
