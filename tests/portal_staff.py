# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff of Elbasan carry applications over RPC for the tests of the
citizen portal: filed by the system of the municipality, reviewed, asked
for information, decided, issued and delivered"""

from test_rpc_applications import (
    APP, SERVICE, checklist, filing, head_acting_for)

# The steps of the staff after the review, to the delivery
TO_DELIVERY = ['forward', 'head.forward', 'head.approve', 'issue', 'deliver']


def file_application(users, **values):
    """File a new application of SERVICE as the system of Elbasan; return
    its id, number, tracking code, state and due date"""
    system = users['elbasan.system']
    checklists = {SERVICE: checklist(system)}
    return system.call(APP, 'submit_external', filing(checklists, **values))


def carry(users, app_id, steps=TO_DELIVERY):
    """Take the steps of the staff on the application: 'head.x' is done by
    the head, 'deliver' by the front desk, the others by the back office"""
    back, head, front = (
        users['elbasan.back'], users['elbasan.head'], users['elbasan.front'])
    with head_acting_for(users):
        for step in steps:
            if step.startswith('head.'):
                head.call(APP, step[len('head.'):], [app_id])
            elif step == 'deliver':
                front.run_wizard('ossis.application.deliver', APP, [app_id],
                    'deliver', {'recipient': "Besnik Duka"})
            else:
                back.call(APP, step, [app_id])


def request_information(users, app_id, comment=None):
    "The back office asks the applicant for information"
    users['elbasan.back'].call(APP, 'act', [app_id], 'request_info', comment)


def counts(users, app_id=None):
    "What a page may have stored, counted by the national administrator"
    national = users['national.admin']
    where = [('application', '=', app_id)] if app_id else []
    return {
        'applications': national.search_count(APP, []),
        'history': national.search_count(
            'ossis.application.history', where),
        'feedback': national.search_count(
            'ossis.application.feedback', where),
        'attachments': national.search_count('ir.attachment', [
                ('resource', 'like', f'{APP},%'),
                ]),
        'received': national.search_count('ossis.application.document', [
                ('status', '!=', 'missing')] + where),
        }
