# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the status page tells the applicant of the steps of an application

The steps of a workflow have a name for the applicant, but it describes
the step as a desk goes through it: an application filed online was not
registered at a desk, and a line of the history after the decision did
not happen at the delivery desk.  The texts here follow the state, the
action of each line and the channel of the application, from the rows
that tracking_read reads."""
from trytond.cache import Cache

# Where the application came in, by channel
RECEIVED = {
    'desk': 'received_desk',
    'online': 'received_online',
    'system': 'received_system',
    }
# The actions whose line needs no step: the action tells what happened
ACTION_ONLY = {
    'request_info', 'approve', 'reject', 'deliver', 'close', 'withdraw',
    'cancel', 'migrate',
    }
# The states after which no step is shown
ENDED = {'delivered', 'closed', 'withdrawn', 'cancelled'}
# The names of the actions of the history in the language of the page,
# kept ten minutes as the portal's pages: reading them was a tenth of the
# CPU of a status page.  Named after the module, which the tests may
# import under a second name.
_action_names = Cache(f'{__name__}.action_names', duration=10 * 60)


def received_text(portal, application):
    return portal.gettext(
        RECEIVED.get(application.channel, 'received_online'))


def step_text(portal, application, kind, name):
    "Return what the applicant reads of a step of the kind and the name"
    if kind == 'intake':
        return received_text(portal, application)
    if kind == 'delivery':
        return portal.gettext('step_ready')
    return name


def current_step(portal, application):
    """Return the text of the current step, None when the state tells all:
    ended, or decided while the document is prepared"""
    if (not application.step_kind or application.state in ENDED
            or application.state == 'decided'):
        return None
    return step_text(
        portal, application, application.step_kind, application.step_name)


def line_step(portal, application, line):
    "Return the text of the step of a line of the history, or None"
    if line.action == 'submit':
        return received_text(portal, application)
    if line.action == 'issue':
        return portal.gettext('step_ready')
    if line.action in ACTION_ONLY or not line.step_kind:
        return None
    return step_text(portal, application, line.step_kind, line.step_name)


def action_names(portal):
    "Return the name of each action of the history in the page's language"
    names = _action_names.get(None)
    if names is None:
        History = portal.pool.get('ossis.application.history')
        names = _action_names.set(None, dict(
                History.fields_get(['action'])['action']['selection']))
    return names


def history(portal, application, lines):
    """Return the lines of the history the applicant may read, the oldest
    first: no staff, no comments, only public rows"""
    actions = action_names(portal)
    return [{
            'date': line.date,
            'action': line.action,
            'action_name': actions.get(line.action, line.action),
            'state': line.to_state,
            'message': line.message,
            'step': line_step(portal, application, line),
            } for line in lines if line.public]


def information_request(lines):
    "Return the line of the last request for information, or None"
    requests = [line for line in lines if line.action == 'request_info']
    return requests[-1] if requests else None
