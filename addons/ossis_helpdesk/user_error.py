# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The errors the staff were shown

The web client keeps no trace of the errors it showed, and sends nothing of
them with its calls.  The server records the last errors of each user
itself, when it answers a call with an error (in a transaction of its own:
the call's transaction is rolled back), so that a ticket raised right after
carries the error that made the user raise it."""
import datetime as dt
import logging

from trytond.exceptions import UserError, UserWarning
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wsgi import app

logger = logging.getLogger(__name__)

# The errors older than this are not the reason of a new ticket
RECENT = dt.timedelta(minutes=30)
# The errors kept for each user
KEEP = 5


class UserErrorShown(ModelSQL):
    "Error Shown to a User"
    __name__ = 'ossis.helpdesk.user_error'
    __string__ = "Error Shown to a User"

    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    message = fields.Text("Message", required=True)
    method = fields.Char("Method")
    date = fields.DateTime("Date", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('user')
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.user, Index.Range()), (t.date, Index.Range())))

    @classmethod
    def record(cls, user_id, message, method=None):
        "Record the error shown to the user, keeping the last ones only"
        now = dt.datetime.now()
        cls.create([{
                    'user': user_id,
                    'message': message,
                    'method': method,
                    'date': now,
                    }])
        older = cls.search(
            [('user', '=', user_id)], order=[('date', 'DESC'), ('id', 'DESC')],
            offset=KEEP)
        cls.delete(older)

    @classmethod
    def last(cls, user_id):
        "Return the text of the user's last recent error or None"
        errors = cls.search([
                ('user', '=', user_id),
                ('date', '>=', dt.datetime.now() - RECENT),
                ], order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        return errors[0].message if errors else None


def error_text(exception):
    "Return the text of the error as the client shows it"
    text = exception.message
    if exception.description:
        text = f'{text}\n{exception.description}'
    return text


@app.error_handler
def record_user_error(app, request, exception):
    """Record the error a user is answered with

    Only the errors that are shown to the user, of a call whose user is
    already known: reading the user of the request would log them in."""
    if not isinstance(exception, UserError) or isinstance(
            exception, UserWarning):
        return
    user_id = vars(request).get('user_id')
    database_name = (request.view_args or {}).get('database_name')
    if not user_id or not database_name:
        return
    try:
        method = request.rpc_method
    except Exception:
        method = None
    try:
        with Transaction().start(database_name, 0) as transaction:
            pool = Pool(database_name)
            try:
                Error = pool.get('ossis.helpdesk.user_error')
            except KeyError:
                # The help desk is not activated on this database
                return
            Error.record(user_id, error_text(exception), method)
            transaction.commit()
    except Exception:
        # Recording must never change the answer of the call
        logger.warning("could not record the error shown", exc_info=True)
