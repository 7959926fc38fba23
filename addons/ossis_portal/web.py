# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What every page of the portal shares: its routes, language, session,
CSRF check, templates, security headers and error pages

A page is a function ``page(portal, **arguments)`` decorated with
``@route(path, methods)``; it returns ``portal.render(template, **values)``
or ``portal.redirect(path)``.  The routes run as the root user: every page
filters on the municipality of its address itself.
"""
import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
import time
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.utils import redirect as werkzeug_redirect
from werkzeug.wrappers import Response

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

from .page_cache import kept_values, module_texts

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent


def template_environment(*folders):
    """Return the templates of the folders, the first first: HTML-escaped,
    loaded once, and an error for a name that a page does not give"""
    environment = Environment(
        loader=FileSystemLoader([str(f) for f in folders]),
        autoescape=True, auto_reload=False, undefined=StrictUndefined)
    # The built-ins the templates use, as in Python
    environment.globals.update(
        len=len, enumerate=enumerate, zip=zip, sorted=sorted, str=str)
    return environment


TEMPLATES = template_environment(HERE / 'templates')
# What the pages show of each published municipality, by code, kept as the
# pages: dropped when a municipality changes.  Named after the module,
# which the tests may import under a second name.
_municipalities = kept_values(f'{__name__}.municipalities')
LANGUAGES = ['sq', 'en']
DEFAULT_LANGUAGE = 'sq'
LANGUAGE_COOKIE = 'ossis_portal_language'
SESSION_COOKIE = 'ossis_portal_session'
# A visitor's session ends after two idle hours
SESSION_AGE = 2 * 60 * 60
CSRF_FIELD = 'csrf_token'

SECURITY_HEADERS = {
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    # Not no-referrer: browsers then send "Origin: null" with the forms,
    # which trytond refuses; other sites still get no referrer
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    }


class Session(dict):
    "The state of a visitor kept in a signed cookie"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.modified = False

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.modified = True

    def pop(self, *args):
        self.modified = True
        return super().pop(*args)


def _sign(secret, payload):
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def encode_session(secret, session):
    payload = base64.urlsafe_b64encode(json.dumps(
            dict(session, expires=int(time.time()) + SESSION_AGE),
            separators=(',', ':')).encode())
    return payload.decode() + '.' + _sign(secret, payload)


def decode_session(secret, cookie):
    "Return the session of the cookie, empty when forged or expired"
    try:
        payload, signature = cookie.rsplit('.', 1)
        if not hmac.compare_digest(
                _sign(secret, payload.encode()), signature):
            return Session()
        values = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, binascii.Error, AttributeError):
        return Session()
    if not isinstance(values, dict) or values.pop(
            'expires', 0) < time.time():
        return Session()
    return Session(values)


class Portal:
    "The request of a page with what its templates need"
    # Other modules' pages (e.g. the training) have templates and a
    # session of their own
    templates = TEMPLATES
    session_cookie = SESSION_COOKIE

    def __init__(self, request, pool):
        self.request = request
        self.pool = pool
        self.database = pool.database_name
        self.root = f'{request.script_root}/{self.database}/portal'
        self.language = self._language()
        self._language_changed = (
            request.args.get('lang') in LANGUAGES
            and request.cookies.get(LANGUAGE_COOKIE) != self.language)
        Configuration = pool.get('ossis.portal.configuration')
        self._secret = Configuration.get_secret()
        self.session = decode_session(
            self._secret, request.cookies.get(self.session_cookie, ''))
        self.private = False
        self.lgu = None
        self._lang = None
        self._texts = None

    def _language(self):
        language = self.request.args.get('lang')
        if language not in LANGUAGES:
            language = self.request.cookies.get(LANGUAGE_COOKIE)
        return language if language in LANGUAGES else DEFAULT_LANGUAGE

    # Texts

    def gettext(self, name, **variables):
        "Return the text of the message msg_<name> in the page's language"
        if self._texts is None:
            self._texts = module_texts(
                self.database, 'ossis_portal', self.language)
        text = self._texts.get(f'msg_{name}')
        if text is None:
            return gettext(f'ossis_portal.msg_{name}', **variables)
        return text % variables if variables else text

    def services_text(self, name, **variables):
        "Return a text of the service fiche (module ossis_services)"
        return gettext(f'ossis_services.{name}', **variables)

    def selection_name(self, model, field, value):
        "Return the label of a selection value in the page's language"
        Model = self.pool.get(model)
        selection = Model.fields_get([field])[field]['selection']
        return dict(selection).get(value, value or '')

    def weekday_name(self, weekday):
        return self.selection_name(
            'ossis.org_unit.opening_hours', 'weekday', weekday)

    def lang(self):
        "Return the language of the page, read once per request"
        if self._lang is None:
            Lang = self.pool.get('ir.lang')
            self._lang = Lang.get(self.language)
        return self._lang

    def format_date(self, date):
        if not date:
            return ''
        # Digits only: nothing of the language to apply
        return date.strftime('%d.%m.%Y')

    def format_number(self, value, digits=0):
        if value is None:
            return ''
        return self.lang().format('%.*f', (digits, value), grouping=True)

    def format_amount(self, amount):
        "Return the amount in lek as the fiche of the service writes it"
        if amount is None:
            return ''
        Fiche = self.pool.get('ossis.service.fiche', type='report')
        return Fiche.lek(amount)

    # Addresses

    def url(self, *parts, **query):
        "Return the address of a page of the portal"
        path = '/'.join([self.root] + [str(p) for p in parts])
        if not parts:
            path += '/'
        query = {k: v for k, v in query.items() if v not in (None, '')}
        if query:
            path += '?' + urlencode(query)
        return path

    def lgu_url(self, *parts, **query):
        "Return the address of a page of the municipality of the page"
        return self.url(self.lgu.code, *(parts or ('',)), **query)

    def language_url(self, language):
        "Return the current page in another language"
        args = [(k, v) for k, v in self.request.args.items(multi=True)
            if k != 'lang']
        args.append(('lang', language))
        return self.request.path + '?' + urlencode(args)

    # Forms

    @property
    def csrf_token(self):
        token = self.session.get('csrf')
        if not token:
            token = self.session['csrf'] = secrets.token_urlsafe(32)
        return token

    def check_csrf(self):
        sent = self.request.form.get(CSRF_FIELD, '')
        token = self.session.get('csrf')
        if not token or not hmac.compare_digest(sent, token):
            raise PortalRequestError(400, self.gettext('csrf_failed'))

    # Municipality

    def set_lgu(self, code):
        """Find the published municipality of the address or fail with 404

        The municipality comes with what every page shows of it (its code,
        name, crest, colour and time zone), kept as the pages are."""
        values = _municipalities.get(code)
        if values is None:
            values = _municipalities.set(code, self._read_lgu(code))
        if not values:
            raise NotFound()
        Company = self.pool.get('company.company')
        self.lgu = Company(**values)
        return self.lgu

    def _read_lgu(self, code):
        "Return what the pages show of the municipality, or False"
        Company = self.pool.get('company.company')
        companies = Company.search([
                ('code', '=', code),
                ('portal_published', '=', True),
                ('ossis_practice', '=', False),
                ], limit=1)
        if not companies:
            return False
        company, = companies
        return {
            'id': company.id,
            'code': company.code,
            'rec_name': company.rec_name,
            'crest_id': company.crest_id,
            'portal_colour': company.portal_colour,
            'timezone': company.timezone,
            'portal_published': True,
            'ossis_practice': False,
            }

    # Responses

    def render(self, template, status=200, **values):
        return self.html(self.render_body(template, **values), status)

    def render_body(self, template, **values):
        "Return the page of the template as UTF-8 bytes"
        values.setdefault('lgu', self.lgu)
        values.update(portal=self, _=self.gettext)
        return self.templates.get_template(template).render(
            **values).encode()

    def html(self, body, status=200):
        return Response(
            body, status=status, content_type='text/html; charset=utf-8')

    def redirect(self, location):
        return werkzeug_redirect(location, code=303)

    def error(self, status, message=None, title=None):
        "Return the friendly page of an error"
        if title is None:
            title = self.gettext(f'error_{status}_title') if status in {
                400, 403, 404, 413, 429, 500} else self.gettext(
                'error_500_title')
        return self.render(
            'error.html', status=status, title=title, message=message)

    def finish(self, response):
        "Add the cookies and the security headers to the response"
        path = self.root + '/'
        secure = self.request.is_secure
        if self.session.modified:
            response.set_cookie(
                self.session_cookie,
                encode_session(self._secret, self.session),
                max_age=SESSION_AGE, path=path, secure=secure,
                httponly=True, samesite='Lax')
        if self._language_changed:
            response.set_cookie(
                LANGUAGE_COOKIE, self.language, max_age=365 * 24 * 60 * 60,
                path=path, secure=secure, httponly=True, samesite='Lax')
        add_security_headers(response, self.private)
        return response


class PortalRequestError(Exception):
    "A request that the portal answers with a friendly error page"

    def __init__(self, status, message=None):
        super().__init__(status, message)
        self.status = status
        self.message = message


def add_security_headers(response, private=False):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if private or response.status_code >= 400:
        # Pages with an application or a form are not stored anywhere
        response.headers['Cache-Control'] = 'no-store'
    else:
        response.headers.setdefault('Cache-Control', 'no-cache')


def is_activated(pool):
    try:
        pool.get('ossis.portal.configuration')
    except KeyError:
        return False
    return True


def _serve(func, request, pool, kwargs, page_class=Portal):
    portal = page_class(request, pool)
    # The error pages too are in the language of the visitor
    with Transaction().set_context(language=portal.language):
        try:
            if request.method == 'POST':
                portal.check_csrf()
            response = func(portal, **kwargs)
        except (TransactionError, backend.DatabaseOperationalError):
            # Tryton retries the transaction
            raise
        except PortalRequestError as exception:
            Transaction().rollback()
            response = portal.error(exception.status, exception.message)
        except UserError as exception:
            Transaction().rollback()
            response = portal.error(400, exception.message)
        except HTTPException as exception:
            Transaction().rollback()
            response = portal.error(exception.code)
        except Exception:
            Transaction().rollback()
            logger.exception("portal page %s failed", request.path)
            response = portal.error(500)
        return portal.finish(response)


def route(path, methods=('GET',), readonly=None, max_request_size=None,
        page_class=Portal):
    """Register the page at /<database>/portal<path>

    GET requests read only unless readonly is False; POST requests write,
    and their forms must carry the CSRF token of the session.  The page
    receives an instance of page_class, a Portal or a subclass."""
    def decorator(func):
        @wraps(func)
        def endpoint(request, pool, **kwargs):
            if not is_activated(pool):
                raise NotFound()
            return _serve(func, request, pool, kwargs, page_class)
        endpoint = with_transaction(readonly=readonly)(endpoint)
        endpoint = with_pool(endpoint)
        if max_request_size:
            endpoint.max_request_size = max_request_size
        # Browsers send "Origin: null" with forms under a no-referrer
        # policy (a visitor's privacy settings may set one), which trytond
        # refuses unless allowed: the CSRF token of the session protects
        # the forms
        endpoint.allow_null_origin = True
        app.route(
            '/<database_name>/portal' + path, methods=list(methods))(
            endpoint)
        return func
    return decorator
