# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A small client of the XML-RPC interface of an OSSIS (Tryton 8.0) server"""
import base64
import datetime as dt
import http.client
import logging
import random
import re
import threading
import time
import urllib.parse
import xmlrpc.client
from decimal import Decimal
from xml.parsers.expat import ExpatError

from .exceptions import (
    AccessDenied, ConcurrencyError, ConfirmationRequired, Error, LoginError,
    RecordNotFound, ServerBusy, ServerError, ServerUnreachable,
    TooManyAttempts, ValidationError)

__all__ = ['Client']

logger = logging.getLogger(__name__)

# The codes trytond gives the faults of its exceptions
FAULT_USER_ERROR = 1
FAULT_USER_WARNING = 2
FAULT_LOGIN = 3
FAULT_CONCURRENCY = 4

# Tryton sends every user error with the same fault code: the messages of
# the access errors (in the language of the call) tell them apart.
NOT_FOUND_MESSAGES = ['msg_read_error', 'msg_write_error']
# The texts of these messages in Tryton 8.0 (ir/message.xml): the client
# finds them on the server to read their translations.
ENGLISH_MESSAGES = {
    'msg_read_error': 'You are trying to read records "%(ids)s" of '
    '"%(model)s" that don\'t exist.',
    'msg_write_error': 'You are trying to write to records "%(ids)s" of '
    '"%(model)s" that don\'t exist.',
    'msg_access_rule_error': 'You are not allowed to access "%(model)s".',
    'msg_access_rule_field_error':
    'You are not allowed to access "%(model)s.%(field)s".',
    'msg_create_rule_error': 'You are not allowed to create records of '
    '"%(model)s" because they fail on at least one of these rules:\n'
    '%(rules)s',
    'msg_read_rule_error': 'You are not allowed to read records "%(ids)s" '
    'of "%(model)s" because of at least one of these rules:\n%(rules)s',
    'msg_write_rule_error': 'You are not allowed to write to records '
    '"%(ids)s" of "%(model)s" because of at least one of these rules:\n'
    '%(rules)s',
    'msg_delete_rule_error': 'You are not allowed to delete records '
    '"%(ids)s" of "%(model)s" because of at lease one of those rules:\n'
    '%(rules)s',
    'msg_write_xml_record': 'You are not allowed to modify the field '
    '"%(field)s" in record "%(record)s" of "%(model)s".',
    'msg_delete_xml_record': 'You are not allowed to delete the record '
    '"%(record)s" of "%(model)s".',
    'msg_access_button_error':
    'Calling button "%(button)s on "%(model)s" is not allowed.',
    'msg_button_state_record':
    'You can not call "%(button)s" on "%(record)s" of "%(model)s".',
    'msg_access_wizard_error':
    'You are not allowed to execute wizard "%(wizard)s".',
    'msg_access_wizard_model_error':
    'You are not allowed to execute wizard "%(wizard)s" on "%(model)s".',
    'msg_access_report_error':
    'You are not allowed to execute report "%(report)s".',
    }


class _Marshaller(xmlrpc.client.Marshaller):
    "Encode values as trytond decodes them"
    dispatch = dict(xmlrpc.client.Marshaller.dispatch)

    def _dump_class(self, value, write):
        self.dump_struct(self._class_struct(value), write)

    @staticmethod
    def _class_struct(value):
        if isinstance(value, Decimal):
            return {'__class__': 'Decimal', 'decimal': str(value)}
        if isinstance(value, dt.timedelta):
            return {'__class__': 'timedelta',
                'seconds': value.total_seconds()}
        if isinstance(value, dt.time):
            return {'__class__': 'time', 'hour': value.hour,
                'minute': value.minute, 'second': value.second,
                'microsecond': value.microsecond}
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}

    def _dump_int(self, value, write):
        if xmlrpc.client.MININT <= value <= xmlrpc.client.MAXINT:
            write('<value><int>%d</int></value>\n' % value)
        else:
            write('<value><biginteger>%d</biginteger></value>\n' % value)

    def _dump_struct(self, value, write, escape=xmlrpc.client.escape):
        value = {
            str(k) if isinstance(k, (int, float)) else k: v
            for k, v in value.items()}
        xmlrpc.client.Marshaller.dump_struct(self, value, write, escape)

    dispatch[Decimal] = _dump_class
    dispatch[dt.date] = _dump_class
    dispatch[dt.time] = _dump_class
    dispatch[dt.timedelta] = _dump_class
    dispatch[int] = _dump_int
    dispatch[dict] = _dump_struct
    dispatch[set] = xmlrpc.client.Marshaller.dump_array
    dispatch[frozenset] = xmlrpc.client.Marshaller.dump_array


def _decode_class(value):
    kind = value.get('__class__')
    if kind == 'date':
        return dt.date(value['year'], value['month'], value['day'])
    if kind == 'time':
        return dt.time(value['hour'], value['minute'], value['second'],
            value['microsecond'])
    if kind == 'timedelta':
        return dt.timedelta(seconds=value['seconds'])
    if kind == 'Decimal':
        return Decimal(value['decimal'])
    return value


class _Unmarshaller(xmlrpc.client.Unmarshaller):
    "Decode the dates, times and durations that trytond sends as structs"
    dispatch = dict(xmlrpc.client.Unmarshaller.dispatch)

    def _end_struct(self, data):
        xmlrpc.client.Unmarshaller.end_struct(self, data)
        self._stack[-1] = _decode_class(self._stack[-1])

    dispatch['struct'] = _end_struct


def _dumps(method, params):
    body = _Marshaller('utf-8', allow_none=True).dumps(params)
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n<methodCall>\n"
        f"<methodName>{xmlrpc.client.escape(method)}</methodName>\n"
        f"{body}</methodCall>\n").encode('utf-8')


class _TransportMixin:

    def __init__(self, timeout, headers, **kwargs):
        super().__init__(use_builtin_types=True, headers=headers, **kwargs)
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection

    def getparser(self):
        target = _Unmarshaller(use_builtin_types=True)
        return xmlrpc.client.ExpatParser(target), target


class _Transport(_TransportMixin, xmlrpc.client.Transport):
    pass


class _SafeTransport(_TransportMixin, xmlrpc.client.SafeTransport):
    pass


class Client:
    """A connection to an OSSIS server as one user

    ``url`` is the address of the server (e.g. ``https://ossis.example.al``),
    ``database`` the name of its database.  The client logs in at once and
    raises ``LoginError`` if it cannot.  Messages of the server come in
    ``language`` (``None``: the language of the user).

    A call the server answers "busy" (HTTP 503, after its own retries) is
    tried again up to ``retries`` times, waiting a little longer each time;
    the server rolled it back, so trying again is safe.  An expired session
    is renewed once.  ``timeout`` bounds each HTTP request in seconds.

    One client can be shared by several threads.  Use it as a context
    manager to log out at the end.
    """

    def __init__(self, url, database, login, password, language='en',
            retries=5, timeout=60, backoff=0.1, max_backoff=5,
            context=None, ssl_context=None):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in {'http', 'https'} or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url.rstrip('/')
        self.database = database
        self.login = login
        self.language = language
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._password = password
        self._ssl_context = ssl_context
        self._host = parts.netloc
        self._secure = parts.scheme == 'https'
        self._handler = '%s/%s/rpc/' % (
            parts.path.rstrip('/'), urllib.parse.quote(database, safe=''))
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation = 0
        self._authorization = None
        self._closed = False
        self._access_patterns = {}
        self.user_id = None
        self._login()
        #: The context sent with every call: the preferences of the user
        #: (company, employee, language...)
        self.context = self._request(
            'model.res.user.get_preferences', [True, {}])
        if language:
            self.context['language'] = language
        self.context.update(context or {})

    def __repr__(self):
        return (f"<{self.__class__.__name__} {self.login}@{self.url}"
            f"/{self.database}>")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.logout()

    # Model methods

    def search(self, model, domain, offset=0, limit=None, order=None,
            context=None):
        """Return the ids of the records of model that match the domain
        (a Tryton domain, e.g. ``[('name', 'ilike', '%sportel%')]``);
        ``order`` is a list of (field, 'ASC' or 'DESC')"""
        return self.call(model, 'search', domain, offset, limit,
            self._order(order), context=context)

    def search_count(self, model, domain, context=None):
        "Return the number of records of model that match the domain"
        return self.call(model, 'search_count', domain, context=context)

    def read(self, model, ids, fields, context=None):
        """Return the values of the fields of the records, as a list of
        dictionaries (with "id") in the order of ids"""
        ids = list(ids)
        rows = self.call(model, 'read', ids, list(fields), context=context)
        by_id = {r['id']: r for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def search_read(self, model, domain, fields, offset=0, limit=None,
            order=None, context=None):
        "Return the values of the fields of the records that match domain"
        return self.call(model, 'search_read', domain, offset, limit,
            self._order(order), list(fields), context=context)

    def create(self, model, vlist, context=None):
        """Create records from a list of dictionaries of values and return
        their ids"""
        return self.call(model, 'create', list(vlist), context=context)

    def write(self, model, ids, values, context=None):
        "Write the values (a dictionary) on the records"
        self.call(model, 'write', list(ids), values, context=context)

    def delete(self, model, ids, context=None):
        "Delete the records"
        self.call(model, 'delete', list(ids), context=context)

    def call(self, model, method, *args, context=None):
        """Call a method of the model that the server exposes (the
        context of the client, updated with ``context``, is added)"""
        ctx = dict(self.context)
        ctx.update(context or {})
        return self._request(f'model.{model}.{method}', [*args, ctx])

    def report(self, name, ids, data=None, context=None):
        """Run the report of the records and return its file type, its
        content (bytes) and its name, e.g.
        ``report('ossis.service.fiche', [offer_id], {'language': 'sq'})``"""
        ctx = dict(self.context)
        ctx.update(context or {})
        data = dict(data or {})
        file_type, content, _, name = self._request(
            f'report.{name}.execute', [list(ids), data, ctx])
        if isinstance(content, xmlrpc.client.Binary):
            content = content.data
        return file_type, content, name

    def run_wizard(self, name, model, ids, button, values=None,
            context=None):
        """Run the wizard on the records as a user does: open its first
        form, change the ``values`` of its fields and press the ``button``
        (the name of the state it goes to); return the answer of the
        server, e.g. ``run_wizard('ossis.application.deliver',
        'ossis.application', [id], 'deliver', {'recipient': "Arta Hoxha"})``
        """
        ids = list(ids)
        ctx = dict(self.context)
        ctx.update(context or {})
        ctx.update(active_model=model, active_id=ids[0] if ids else None,
            active_ids=ids)
        prefix = f'wizard.{name}'
        session, start, _ = self._request(f'{prefix}.create', [ctx])
        try:
            form = self._request(
                f'{prefix}.execute', [session, {}, start, ctx]).get('view')
            data = {}
            if form:
                data[form['state']] = {
                    k: v for k, v in {
                        **form['defaults'], **form['values'],
                        **(values or {})}.items() if '.' not in k}
            return self._request(
                f'{prefix}.execute', [session, data, button, ctx])
        finally:
            self._request(f'{prefix}.delete', [session, ctx])

    @staticmethod
    def _order(order):
        return [list(o) for o in order] if order else None

    # Session

    def logout(self):
        "Close the session on the server; the client cannot be used after"
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._send('common.db.logout', [], auth=True)
        except (Error, xmlrpc.client.Error, OSError,
                http.client.HTTPException):
            logger.debug("logout of %r failed", self, exc_info=True)
        finally:
            self._authorization = None
            for transport in getattr(self._local, 'transports', {}).values():
                transport.close()
            self._local.transports = {}

    def _login(self):
        params = [self.login, {'password': self._password}, self.language]
        try:
            user_id, token, _ = self._retry(
                'common.db.login', params, auth=False)
        except xmlrpc.client.ProtocolError as error:
            raise self._login_error(error) from None
        session = f'{self.login}:{user_id}:{token}'
        with self._lock:
            self.user_id = user_id
            self._authorization = 'Session ' + base64.b64encode(
                session.encode('utf-8')).decode('ascii')
            self._generation += 1

    def _login_error(self, error):
        where = f"database {self.database!r} at {self.url}"
        status = error.errcode
        if status == 401:
            message = f"wrong login or password for {self.login!r} on {where}"
        elif status == 429:
            return TooManyAttempts(
                f"too many failed logins for {self.login!r} on {where}: "
                "the server refuses them for a while", http_status=status)
        elif status == 404:
            message = f"no {where}"
        else:
            message = (f"login of {self.login!r} on {where} failed: "
                f"HTTP {status} {error.errmsg}")
        return LoginError(message, http_status=status)

    # HTTP

    def _request(self, method, params):
        if self._closed:
            raise Error(f"{self!r} has logged out")
        generation = self._generation
        try:
            return self._retry(method, params, auth=True)
        except xmlrpc.client.ProtocolError as error:
            if error.errcode != 401:
                raise self._protocol_error(error, method) from None
        # The session expired (or was removed): log in again once
        with self._lock:
            renew = generation == self._generation
        if renew:
            logger.info("%r: session expired, logging in again", self)
            self._login()
        try:
            return self._retry(method, params, auth=True)
        except xmlrpc.client.ProtocolError as error:
            if error.errcode == 401:
                raise LoginError(
                    f"the server refused the session of {self.login!r} "
                    f"on database {self.database!r}",
                    http_status=401) from None
            raise self._protocol_error(error, method) from None

    def _retry(self, method, params, auth):
        attempt = 0
        while True:
            try:
                return self._send(method, params, auth=auth)
            except xmlrpc.client.ProtocolError as error:
                if error.errcode != 503:
                    raise
                if attempt >= self.retries:
                    raise ServerBusy(
                        f"{method}: the server was busy (HTTP 503) "
                        f"{attempt + 1} times; it rolled the call back",
                        http_status=503) from None
                delay = self._delay(attempt, error.headers)
                logger.info("%s: server busy (HTTP 503), retry %d in %.2fs",
                    method, attempt + 1, delay)
                time.sleep(delay)
                attempt += 1
            except xmlrpc.client.Fault as fault:
                raise self._fault_error(fault) from None
            except (OSError, http.client.HTTPException) as error:
                raise ServerUnreachable(
                    f"{method}: no answer from {self.url}: {error!r}"
                    ) from error
            except (xmlrpc.client.ResponseError, ExpatError) as error:
                raise ServerError(
                    f"{method}: {self.url} did not answer in XML-RPC "
                    f"(is it an OSSIS server?): {error}") from error

    def _delay(self, attempt, headers):
        retry_after = (headers or {}).get('Retry-After', '')
        if retry_after.isdigit():
            return min(int(retry_after), self.max_backoff)
        delay = min(self.max_backoff, self.backoff * 2 ** attempt)
        return delay * random.uniform(0.5, 1.5)

    def _send(self, method, params, auth):
        transport = self._transport(auth)
        return transport.request(
            self._host, self._handler, _dumps(method, params))[0]

    def _transport(self, auth):
        "Return the transport of the thread (it keeps its connection)"
        key = self._generation if auth else None
        transports = getattr(self._local, 'transports', None)
        if transports is None:
            transports = self._local.transports = {}
        transport = transports.get(key)
        if transport is None:
            for old in [k for k in transports if k is not None]:
                transports.pop(old).close()
            headers = []
            if auth:
                headers.append(('Authorization', self._authorization))
            if self._secure:
                transport = _SafeTransport(
                    self.timeout, headers, context=self._ssl_context)
            else:
                transport = _Transport(self.timeout, headers)
            transports[key] = transport
        return transport

    # Errors

    def _protocol_error(self, error, method):
        status = error.errcode
        if status == 403:
            return AccessDenied(
                f"{method}: not allowed (HTTP 403)", http_status=status)
        if status == 401:
            return LoginError(
                f"{method}: not logged in (HTTP 401)", http_status=status)
        if status == 504:
            return ServerError(
                f"{method}: the server gave up after its timeout (HTTP 504)",
                http_status=status)
        return ServerError(
            f"{method}: HTTP {status} {error.errmsg}", http_status=status)

    def _fault_error(self, fault):
        code, message = fault.faultCode, fault.faultString
        if message.endswith(' - '):
            # trytond sends "message - description"
            message = message[:-3]
        if code == FAULT_USER_ERROR:
            kind = self._classify(message)
            if kind == 'not_found':
                return RecordNotFound(message, fault_code=code)
            if kind == 'access':
                return AccessDenied(message, fault_code=code)
            return ValidationError(message, fault_code=code)
        if code == FAULT_USER_WARNING:
            return ConfirmationRequired(message, fault_code=code)
        if code == FAULT_LOGIN:
            return LoginError(message, fault_code=code)
        if code == FAULT_CONCURRENCY:
            return ConcurrencyError(message, fault_code=code)
        return ServerError(message, fault_code=code)

    def _classify(self, message):
        context = getattr(self, 'context', None)
        language = context.get('language') if context else None
        patterns = self._access_patterns.get(language)
        if patterns is None:
            # The English texts serve while the translations are read
            patterns = self._access_patterns[language] = _patterns(
                ENGLISH_MESSAGES)
            if context is not None:
                patterns = self._access_patterns[language] = (
                    self._load_access_patterns())
        for name, pattern in patterns:
            if pattern.match(message):
                return 'not_found' if name in NOT_FOUND_MESSAGES else 'access'

    def _load_access_patterns(self):
        texts = dict(ENGLISH_MESSAGES)
        try:
            texts.update(self._translated_texts(ENGLISH_MESSAGES))
        except Error:
            logger.warning("cannot read the access messages of the "
                "server; using the English ones", exc_info=True)
        return _patterns(texts)

    def _translated_texts(self, texts):
        """Return the texts of the server's messages that have the English
        texts, in the language of the client"""
        names = {v: k for k, v in texts.items()}
        messages = self.search_read('ir.message', [
                ('text', 'in', list(names)),
                ], ['text'], context={'language': 'en'})
        ids = {m['id']: names[m['text']] for m in messages}
        if self.context.get('language', 'en') != 'en':
            messages = self.read('ir.message', list(ids), ['text'])
        return {ids[m['id']]: m['text'] for m in messages if m['text']}


def _patterns(texts):
    return [(name, _template_pattern(text)) for name, text in texts.items()]


def _template_pattern(text):
    """Return a regular expression that matches the messages made from the
    text (its first line: the rest lists variable details)"""
    text = text.split('\n', 1)[0].replace('%%', '%')
    parts = re.split(r'%\([a-z_]+\)s', text)
    return re.compile(
        '.*?'.join(re.escape(p) for p in parts).strip(), re.DOTALL)
