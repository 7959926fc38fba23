# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The clock of the service levels in the scenarios, in Tirana's time

The scenarios name the moments of the help desk's day; the server stores
them in UTC."""
import datetime as dt
from unittest.mock import Mock, patch
from zoneinfo import ZoneInfo

from proteus.config import get_config

TIRANE = ZoneInfo('Europe/Tirane')
UTC = dt.timezone.utc


def set_now(moment, config=None):
    """Make the local moment in Tirana the now of the service level clock;
    doctest_teardown ends it (patch.stopall)"""
    config = config or get_config()
    Ticket = config.pool.get('ossis.helpdesk.ticket')
    now = Ticket.__dict__.get('sla_now')
    if not isinstance(now, Mock):
        now = patch.object(Ticket, 'sla_now').start()
    now.return_value = moment.replace(tzinfo=TIRANE).astimezone(
        UTC).replace(tzinfo=None)


def local(moment):
    "Return the stored moment as read in Tirana"
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(TIRANE).strftime(
        '%a %d %b %H:%M')


def start_mailbox():
    """Start a local SMTP server (the project's tests/smtp_mailbox.py) and
    send the emails of the server to it until its close()"""
    import sys
    from pathlib import Path

    import trytond.config as config
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / 'tests'))
    from smtp_mailbox import Mailbox
    mailbox = Mailbox()
    mailbox.start()
    uri = config.get('email', 'uri')
    config.set('email', 'uri', mailbox.uri)

    def close():
        mailbox.stop()
        config.set('email', 'uri', uri)
    mailbox.close = close
    return mailbox
