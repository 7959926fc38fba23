# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.modules.ossis_base.wsgi import is_web_client_request
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import TechnicalUserLoginError


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        user_id = super().get_login(login, parameters)
        # Checked once the password is right, so that the refusal tells
        # nothing to whoever does not know it
        if user_id and is_web_client_request() and cls.is_technical(user_id):
            raise TechnicalUserLoginError(gettext(
                    'ossis_application_external.msg_technical_user_web_client',
                    login=login))
        return user_id

    @classmethod
    def is_technical(cls, user_id):
        "Return whether the user is a technical user of another system"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id(
            'ossis_application_external', 'group_external_system')
        with Transaction().set_user(user_id):
            return group in cls.get_groups()
