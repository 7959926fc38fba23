# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the tracking pages read, each in one SQL statement

A lookup at a million applications must not read record by record: the
form finds the application with its municipality in one statement (on
PostgreSQL the one that counts the attempt), the
status page reads the application with its municipality, service, step and
history in one, and the missing documents only while the municipality
waits for them.

The pages run as root and show a visitor only what they proved to know:
the number with the tracking code, or an application their session opened
under the municipality and the number of the address; a municipality that
is not published shows nothing.  The names of the service, the steps and
the documents are read in the language of the page as the ORM reads them:
the translation of the language when there is one, else the field."""
import datetime as dt
from types import SimpleNamespace

from sql import Literal, Null, With
from sql.conditionals import Coalesce, NullIf
from sql.operators import Concat, Exists

from trytond import backend
from trytond.pool import Pool
from trytond.tools import cursor_dict
from trytond.transaction import Transaction


def translated(table, column, model, field):
    "Return the expression of the field of the row in the page's language"
    translation = Pool().get('ir.translation').__table__()
    value = translation.select(
        translation.value,
        where=(translation.lang == Transaction().language)
        & (translation.type == 'model')
        & (translation.name == f'{model},{field}')
        & (translation.res_id == table.id)
        & (translation.value != '') & (translation.value != Null)
        & ((translation.fuzzy == Literal(False))
            | (translation.fuzzy == Null)),
        order_by=translation.id.desc, limit=1)
    return Coalesce(value, column)


def step_name(step):
    "Return the name the applicant reads of the step: citizen_name or name"
    model = 'ossis.workflow.step'
    return Coalesce(
        NullIf(translated(step, step.citizen_name, model, 'citizen_name'), ''),
        translated(step, step.name, model, 'name'))


def _tables():
    pool = Pool()
    return SimpleNamespace(**{name: pool.get(model).__table__()
            for name, model in [
                ('application', 'ossis.application'),
                ('company', 'company.company'),
                ('party', 'party.party'),
                ('service', 'ossis.service'),
                ('step', 'ossis.workflow.step'),
                ('history', 'ossis.application.history'),
                ('line_step', 'ossis.workflow.step'),
                ('document', 'ossis.application.document'),
                ('document_type', 'ossis.document.type'),
                ('feedback', 'ossis.application.feedback'),
                ]})


def _published(t):
    "The applications with their municipality, when it is published"
    return t.application.join(
        t.company, condition=(t.application.company == t.company.id)
        & (t.company.portal_published == Literal(True))
        & (t.company.ossis_practice == Literal(False)))


class _Value:
    "The place of a value in a query written once: its name and index"
    __slots__ = ('name', 'index')

    def __init__(self, name, index=None):
        self.name = name
        self.index = index

    def of(self, values):
        value = values[self.name]
        return value if self.index is None else value[self.index]


# The SQL and the parameters of each query, by name, backend, language
# and number of ids
_WRITTEN = {}


def _rows(build, cursor=None, **values):
    """Return the rows of the query that build makes of the values

    The SQL is written once per language and number of values: python-sql
    took about as long to write the statements of a status page as the
    database to run them.  build gets a placeholder for each value (a list
    of them for a list) and must not test them."""
    transaction = Transaction()
    shape = tuple(sorted(
            (name, len(value) if isinstance(value, (list, tuple)) else None)
            for name, value in values.items()))
    key = (build.__name__, backend.name, transaction.language, shape)
    written = _WRITTEN.get(key)
    if written is None:
        placeholders = {
            name: _Value(name) if length is None
            else [_Value(name, i) for i in range(length)]
            for name, length in shape}
        written = _WRITTEN[key] = tuple(build(**placeholders))
    sql, params = written
    cursor = cursor or transaction.connection.cursor()
    cursor.execute(sql, [
            p.of(values) if isinstance(p, _Value) else p for p in params])
    return [SimpleNamespace(**r) for r in cursor_dict(cursor)]


def find(number, code):
    """Return the id, the number and the municipality's code of the
    application of the number and the tracking code, or None"""
    rows = _rows(_find_query, number=number, code=code)
    return rows[0] if rows else None


def counted_find(counter, kind, key, number, code):
    """Count the lookup of the number and the tracking code with the
    attempt counter of the request, for the kind and the key of the client,
    and find the application as find does

    Return whether the client is within its limit and the application,
    None when not found or refused."""
    if not counter.apart:
        # SQLite: the request's transaction counts, holding the database's
        # write lock until it ends
        if not counter.reserve(kind, key):
            return False, None
        application = find(number, code)
        if application:
            counter.release(kind, key)
        return True, application
    Attempt = Pool().get('ossis.portal.attempt')
    counter.purge()
    now = dt.datetime.now()
    maximum = Attempt.maximum(kind)
    row, = _rows(
        _counted_find_query, cursor=counter.cursor, number=number, code=code,
        kind=kind, key=key, now=now, since=now - Attempt.window(kind),
        maximum=maximum)
    if row.attempts > maximum:
        return False, None
    if row.id is None:
        return True, None
    return True, SimpleNamespace(id=row.id, number=row.number, lgu=row.lgu)


def _counted_find_query(number, code, kind, key, now, since, maximum):
    # A round trip less than the attempt counted apart, and two less than
    # giving it back when found
    Attempt = Pool().get('ossis.portal.attempt')
    found = With('id', 'number', 'lgu', query=_find_query(number, code))
    counted = Attempt.counted_with(found, kind, key, now, since, maximum)
    return counted.join(found, 'LEFT', condition=Literal(True)).select(
        counted.attempts, found.id, found.number, found.lgu,
        with_=[found, counted])


def _find_query(number, code):
    t = _tables()
    return _published(t).select(
        t.application.id, t.application.number,
        t.company.code.as_('lgu'),
        where=(t.application.number == number)
        & (t.application.tracking_code == code)
        & (t.application.state != 'draft'),
        limit=1)


def opened(ids):
    """Return the id, the number, the municipality's code and the name of
    the service of the applications of the ids, in the order of the ids"""
    if not ids:
        return []
    rows = {r.id: r for r in _rows(_opened_query, ids=list(ids))}
    return [rows[i] for i in ids if i in rows]


def _opened_query(ids):
    t = _tables()
    return _published(t).join(
        t.service, condition=t.application.service == t.service.id
        ).select(
        t.application.id, t.application.number,
        t.company.code.as_('lgu'),
        translated(
            t.service, t.service.name, 'ossis.service', 'name'
            ).as_('service_name'),
        where=t.application.id.in_(ids))


def status(ids, lgu, number):
    """Return what the status page shows of the application of the
    municipality and the number if its id is among the ids, else None:
    the application with its municipality ``lgu``, its ``service_name``,
    its step (``step_kind``, ``step_name``), ``has_feedback`` and its
    ``history``: the lines the applicant may read and the requests for
    information, the oldest first, with the step they led to
    (``step_kind``, ``step_name``)"""
    if not ids:
        return None
    rows = _rows(_status_query, ids=list(ids), lgu=lgu, number=number)
    if not rows:
        return None
    application, _ = _split_line(rows[0])
    application.has_feedback = bool(application.has_feedback)
    application.history = [
        line for _, line in map(_split_line, rows) if line.id is not None]
    return application


# The columns of the history in the rows of the status query
LINE = 'line_'


def _split_line(row):
    "Return the application and the line of history of a row of the status"
    values = vars(row)
    return (
        SimpleNamespace(**{
                k: v for k, v in values.items() if not k.startswith(LINE)}),
        SimpleNamespace(**{
                k[len(LINE):]: v for k, v in values.items()
                if k.startswith(LINE)}))


def _status_query(ids, lgu, number):
    # One row per line of the history (one without a line when it has
    # none): a statement less for each status page than reading the
    # history apart
    t = _tables()
    application, history, line_step = t.application, t.history, t.line_step
    query = _published(t).join(
        t.party, condition=t.company.party == t.party.id
        ).join(t.service, condition=application.service == t.service.id
        ).join(t.step, 'LEFT', condition=application.step == t.step.id
        ).join(history, 'LEFT',
            condition=(history.application == application.id)
            & ((history.public == Literal(True))
                | (history.action == 'request_info'))
        ).join(line_step, 'LEFT', condition=history.to_step == line_step.id
        ).select(
        application.id, application.number, application.state,
        application.decision, application.due_date,
        application.submitted_date, application.channel,
        t.company.id.as_('lgu_id'), t.company.code.as_('lgu'),
        t.company.crest_id.as_('lgu_crest_id'),
        t.company.portal_colour.as_('lgu_colour'),
        Coalesce(
            NullIf(t.party.name, ''),
            Concat(Concat('[', t.party.code), ']')).as_('lgu_name'),
        translated(
            t.service, t.service.name, 'ossis.service', 'name'
            ).as_('service_name'),
        t.step.kind.as_('step_kind'), step_name(t.step).as_('step_name'),
        Exists(t.feedback.select(
                t.feedback.id,
                where=t.feedback.application == application.id)
            ).as_('has_feedback'),
        history.id.as_(LINE + 'id'), history.date.as_(LINE + 'date'),
        history.action.as_(LINE + 'action'),
        history.to_state.as_(LINE + 'to_state'),
        history.message.as_(LINE + 'message'),
        history.public.as_(LINE + 'public'),
        line_step.kind.as_(LINE + 'step_kind'),
        step_name(line_step).as_(LINE + 'step_name'),
        where=application.id.in_(ids)
        & (t.company.code == lgu) & (application.number == number),
        order_by=[history.date.asc, history.id.asc])
    return query


def missing_documents(application_id):
    """Return the lines of the checklist still missing with the ``name`` of
    their document, the mandatory first"""
    rows = _rows(_missing_documents_query, application_id=application_id)
    return sorted(rows, key=lambda d: (
            not d.mandatory, d.sequence or 0, d.id))


def _missing_documents_query(application_id):
    t = _tables()
    document = t.document
    return document.join(
        t.document_type,
        condition=document.document_type == t.document_type.id
        ).select(
        document.id, document.mandatory, document.sequence,
        translated(
            t.document_type, t.document_type.name,
            'ossis.document.type', 'name').as_('name'),
        where=(document.application == application_id)
        & (document.status == 'missing'))
