# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import secrets

from trytond import config
from trytond.model import ModelSingleton, ModelSQL, fields
from trytond.transaction import Transaction


class Configuration(ModelSingleton, ModelSQL):
    "Portal Configuration"
    __name__ = 'ossis.portal.configuration'
    __string__ = "Portal Configuration"

    secret = fields.Char(
        "Secret", required=True, strip=False,
        help="Signs the cookies of the portal; "
        "[ossis_portal] secret of the configuration file takes precedence.")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Every database has its own secret from its first update on
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, limit=1))
        if not cursor.fetchone():
            cursor.execute(*table.insert(
                    [table.id, table.secret],
                    [[1, secrets.token_urlsafe(48)]]))

    @classmethod
    def default_secret(cls):
        return secrets.token_urlsafe(48)

    @classmethod
    def get_secret(cls):
        "Return the key that signs the cookies of the portal"
        return (config.get('ossis_portal', 'secret')
            or cls(1).secret)
