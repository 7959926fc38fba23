# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The calendar file (.ics) of a session invitation

An iCalendar request (RFC 5545 and RFC 5546, METHOD:REQUEST) that mail
clients offer to add to the participant's calendar.  The UID is the same
for every participant of a session, so that a second invitation updates
the event instead of adding another; times are in UTC, which every calendar
shows in its own time zone."""
import datetime as dt

CRLF = '\r\n'
# RFC 5545 3.1: lines longer than 75 octets are folded
LINE_OCTETS = 75


def escape(value):
    "Return the text escaped as RFC 5545 3.3.11 asks"
    return (str(value or '').replace('\\', '\\\\').replace(';', '\\;')
        .replace(',', '\\,').replace('\r\n', '\\n').replace('\n', '\\n'))


def utc(value):
    "Return the naive UTC datetime of trytond as an iCalendar UTC time"
    return value.strftime('%Y%m%dT%H%M%SZ')


def fold(line):
    "Return the content line folded at 75 octets, never inside a letter"
    parts, current = [], b''
    for char in line:
        encoded = char.encode('utf-8')
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1
        if len(current) + len(encoded) > limit:
            parts.append(current)
            current = b''
        current += encoded
    parts.append(current)
    return (CRLF + ' ').join(p.decode('utf-8') for p in parts)


def mailto(name, address):
    return f'CN="{name.replace(chr(34), "")}":mailto:{address}'


def request(uid, start, end, summary, description='', location='', url='',
        organizer=None, attendee=None, sequence=0, stamp=None):
    """Return the bytes of an iCalendar request of one event

    organizer and attendee are (name, email address) or None."""
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    lines = [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//OSSIS//Training//EN',
        'CALSCALE:GREGORIAN',
        'METHOD:REQUEST',
        'BEGIN:VEVENT',
        f'UID:{uid}',
        f'SEQUENCE:{sequence}',
        f'DTSTAMP:{utc(stamp)}',
        f'DTSTART:{utc(start)}',
        f'DTEND:{utc(end)}',
        f'SUMMARY:{escape(summary)}',
        ]
    if description:
        lines.append(f'DESCRIPTION:{escape(description)}')
    if location:
        lines.append(f'LOCATION:{escape(location)}')
    if url:
        # A URL is a value of its own, not escaped text
        lines.append(f'URL:{url}')
    if organizer:
        lines.append('ORGANIZER;' + mailto(*organizer))
    if attendee:
        lines.append(
            'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;'
            'RSVP=FALSE;' + mailto(*attendee))
    lines += ['STATUS:CONFIRMED', 'END:VEVENT', 'END:VCALENDAR']
    return (CRLF.join(fold(l) for l in lines) + CRLF).encode('utf-8')
