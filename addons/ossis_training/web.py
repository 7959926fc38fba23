# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What every page of the learners shares: signing in with the OSSIS
login, the learner's session, the templates and the texts

The pages are portal pages (ossis_portal/web.py: language, CSRF check,
security headers, error pages) under /<database>/portal/training/.  A page
is a function ``page(learning, **arguments)`` decorated with
``@learner_route(path, methods)``: it runs as the signed-in learner, with
the access rights and record rules of their account, so that the models
decide what a learner may read and do.  A visitor who is not signed in is
sent to the sign-in page first.
"""
import datetime as dt
from contextlib import ExitStack
from functools import wraps
from pathlib import Path

from werkzeug.exceptions import NotFound

from trytond import config
from trytond.i18n import gettext
from trytond.modules.ossis_portal import web as portal_web
from trytond.modules.ossis_portal.web import Portal, route
from trytond.transaction import Transaction, check_access, without_check_access

HERE = Path(__file__).parent
# The training's own layout.html comes first; languages.html is the portal's
TEMPLATES = portal_web.template_environment(
    HERE / 'templates', portal_web.HERE / 'templates')
PREFIX = '/training'


class Learning(Portal):
    "The request of a learner's page"
    templates = TEMPLATES
    session_cookie = 'ossis_training_session'

    def __init__(self, request, pool):
        super().__init__(request, pool)
        # Nothing of a learner's pages is stored by the browser or proxies
        self.private = True
        self.learner = None

    # The message is not called "name": texts have a variable of that name
    def gettext(self, message, **variables):
        "Return the text of msg_<message> in the page's language"
        return gettext(f'ossis_training.msg_{message}', **variables)

    def portal_text(self, message, **variables):
        return gettext(f'ossis_portal.msg_{message}', **variables)

    def training_url(self, *parts, **query):
        "Return the address of a learner's page"
        return self.url('training', *parts, **query)

    def next_url(self, value):
        "Return the learner's page to go back to, never another site's"
        root = self.training_url()
        if value and value.startswith(root) and '//' not in value[1:]:
            return value
        return root

    # Signing in

    def sign_in(self, login, password):
        """Return the user of the login and password and open their session,
        or None

        res.user's own check counts the failed attempts and refuses the
        login after too many (RateLimitException), as for the clients."""
        pool = self.pool
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        user_id = User.get_login(login, {'password': password})
        if not user_id:
            return None
        with Transaction().set_user(user_id):
            key = Session.new()
        self.session['user'] = user_id
        self.session['key'] = key
        return User(user_id)

    def sign_out(self):
        Session = self.pool.get('ir.session')
        # The sessions are the server's, not the learner's records
        with without_check_access():
            Session.delete(self._sessions())
        self.session.pop('user', None)
        self.session.pop('key', None)

    def _sessions(self):
        Session = self.pool.get('ir.session')
        user_id, key = self.session.get('user'), self.session.get('key')
        if not user_id or not isinstance(key, str):
            return []
        # Bound to the address it was opened from, as trytond's sessions
        ip_address, _ = Transaction().remote_address()
        return Session.search([
                ('create_uid', '=', user_id),
                ('key', '=', key),
                ('ip_address', '=', str(ip_address) if ip_address else None),
                ])

    def authenticate(self):
        """Return the active user of the session, or None

        The session is trytond's own (ir.session): it ends with its maximum
        age, when the learner signs out or when the administrator ends it."""
        User = self.pool.get('res.user')
        max_age = dt.timedelta(seconds=config.getint('session', 'max_age'))
        now = dt.datetime.now()
        sessions = [
            s for s in self._sessions() if now - s.create_date < max_age]
        if not sessions:
            return None
        users = User.search([('id', '=', self.session['user'])])
        return users[0] if users else None

    def as_learner(self, user):
        """Return the context in which the page runs as the learner, with
        their municipality and the language of the page"""
        User = self.pool.get('res.user')
        stack = ExitStack()
        stack.enter_context(Transaction().set_user(user.id))
        preferences = User.get_preferences(context_only=True)
        preferences['language'] = self.language
        stack.enter_context(Transaction().set_context(preferences))
        stack.enter_context(check_access())
        self.learner = user
        return stack


def is_activated(pool):
    try:
        pool.get('ossis.training.course')
    except KeyError:
        return False
    return True


def learner_route(path, methods=('GET',), readonly=None, public=False):
    """Register the page at /<database>/portal/training<path>

    The page runs as the signed-in learner; a public page (signing in)
    runs as the server."""
    def decorator(func):
        @wraps(func)
        def page(learning, **kwargs):
            if not is_activated(learning.pool):
                raise NotFound()
            if public:
                return func(learning, **kwargs)
            user = learning.authenticate()
            if not user:
                return learning.redirect(learning.training_url(
                        'login',
                        next=learning.request.full_path.rstrip('?')))
            with learning.as_learner(user):
                return func(learning, **kwargs)
        route(PREFIX + path, methods, readonly=readonly, page_class=Learning)(
            page)
        return func
    return decorator


def find(learning, model, record_id):
    """Return the record the learner may read, or fail with 404

    A search applies the record rules: another municipality's record is
    not found rather than refused."""
    Model = learning.pool.get(model)
    records = Model.search([('id', '=', record_id)], limit=1)
    if not records:
        raise NotFound()
    return records[0]

