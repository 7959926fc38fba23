# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import secrets

from trytond import config
from trytond.cache import Cache
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
    # Every request of the portal needs the secret: read once per database
    # and server process, again after a change
    _secret_cache = Cache(
        'ossis.portal.configuration.secret', context=False)

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
        secret = config.get('ossis_portal', 'secret')
        if secret:
            return secret
        secret = cls._secret_cache.get('secret')
        if secret is None:
            secret = cls._secret_cache.set('secret', cls(1).secret)
        return secret

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._secret_cache.clear()
