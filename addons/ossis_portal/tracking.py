# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the status page tells the applicant of the steps of an application

The steps of a workflow have a name for the applicant, but it describes
the step as a desk goes through it: an application filed online was not
registered at a desk, and a line of the history after the decision did
not happen at the delivery desk.  The texts here follow the state, the
action of each line and the channel of the application."""

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


def received_text(portal, application):
    return portal.gettext(
        RECEIVED.get(application.channel, 'received_online'))


def step_text(portal, application, step):
    "Return what the applicant reads of the step the application is in"
    if step.kind == 'intake':
        return received_text(portal, application)
    if step.kind == 'delivery':
        return portal.gettext('step_ready')
    return step.citizen_name or step.name


def current_step(portal, application):
    """Return the text of the current step, None when the state tells all:
    ended, or decided while the document is prepared"""
    step = application.step
    if (not step or application.state in ENDED
            or application.state == 'decided'):
        return None
    return step_text(portal, application, step)


def line_step(portal, application, record):
    "Return the text of the step of a line of the history, or None"
    if record.action == 'submit':
        return received_text(portal, application)
    if record.action == 'issue':
        return portal.gettext('step_ready')
    step = record.to_step
    if record.action in ACTION_ONLY or not step:
        return None
    return step_text(portal, application, step)


def history(portal, application):
    """Return the lines of the history the applicant may read, the oldest
    first: no staff, no comments, only public rows"""
    lines = []
    for record in reversed(application.history):
        if not record.public:
            continue
        line = record.citizen_line()
        line['step'] = line_step(portal, application, record)
        lines.append(line)
    return lines
