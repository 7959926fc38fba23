# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The WSGI middleware of the OSSIS server

``ossis serve`` adds it, and a production configuration names it in its
``[wsgi middleware]`` section:

- trytond refuses a request from another web origin (a foreign ``Origin``
  header) by raising HTTP 403 outside its own error handling, which the
  WSGI server turns into HTTP 500 with a traceback in its log: the
  middleware answers such errors with their own status;
- trytond's XML-RPC and JSON-RPC requests answer a body larger than
  ``[request] max_size`` (``max_size_authenticated`` with credentials, or
  the limit of the route) with HTTP 400 "Unable to get RPC method": the
  middleware answers HTTP 413 without reading the body;
- it tells the models whether the request comes from the staff web client
  (its login, or a request authenticated by its session cookie), so that a
  user who works over RPC only can be refused there
  (``is_web_client_request``).
"""
import contextvars
import logging
import re

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_cookie

from trytond import config

__all__ = ['Middleware', 'is_web_client_request']

logger = logging.getLogger(__name__)

# The web client logs in there and then sends its session in this cookie;
# other systems send theirs in the Authorization header
WEB_CLIENT_LOGIN_PATH = re.compile(r'^/[^/]+/session/login$')
WEB_CLIENT_COOKIE = 'tryton_session'

_web_client = contextvars.ContextVar('ossis_web_client', default=False)


def is_web_client_request():
    "Return whether the request being served comes from the web client"
    return _web_client.get()


def _from_web_client(environ):
    if WEB_CLIENT_LOGIN_PATH.match(environ.get('PATH_INFO', '')):
        return True
    # Parsed as trytond's requests parse it
    return WEB_CLIENT_COOKIE in parse_cookie(environ)


def _too_large(environ):
    "Return whether the body is larger than trytond accepts for the request"
    from trytond.wsgi import app
    length = environ.get('CONTENT_LENGTH') or ''
    if not length.isdigit():
        return False
    try:
        endpoint, _ = app.url_map.bind_to_environ(environ).match()
    except HTTPException:
        return False
    limit = getattr(endpoint, 'max_request_size', None)
    if limit is None:
        # As trytond, for a request that carries credentials
        if ('HTTP_AUTHORIZATION' in environ
                or WEB_CLIENT_COOKIE in parse_cookie(environ)):
            limit = config.getint('request', 'max_size_authenticated')
        else:
            limit = config.getint('request', 'max_size')
    return int(length) > limit


class Middleware:
    "Wraps the WSGI application of trytond"

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if _too_large(environ):
            return RequestEntityTooLarge()(environ, start_response)
        token = _web_client.set(_from_web_client(environ))
        try:
            return self.app(environ, start_response)
        except HTTPException as exception:
            # Raised before trytond handles the request, e.g. its refusal
            # of a foreign origin
            logger.info(
                "%s %s refused: %s", environ.get('REQUEST_METHOD'),
                environ.get('PATH_INFO'), exception)
            return exception(environ, start_response)
        finally:
            _web_client.reset(token)
