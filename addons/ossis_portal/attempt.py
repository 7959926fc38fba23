# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Failed lookups of the portal, counted per client network to slow down
anyone who guesses tracking or verification codes"""
import datetime as dt
import hashlib
import ipaddress

from trytond import config
from trytond.model import Index, ModelSQL, fields
from trytond.transaction import Transaction

KINDS = [
    ('tracking', "Tracking"),
    ('verification', "Verification"),
    ('resume', "Resume"),
    ]


def client_network(address):
    """Return the network of the client as a string: IPv6 clients get a
    whole /56 each, as they usually do from their provider"""
    try:
        ip = ipaddress.ip_address(address or '')
    except ValueError:
        return 'unknown'
    prefix = 32 if ip.version == 4 else 56
    return str(ipaddress.ip_network(f'{ip}/{prefix}', strict=False))


class Attempt(ModelSQL):
    "Portal Failed Attempt"
    __name__ = 'ossis.portal.attempt'
    __string__ = "Portal Failed Attempt"

    kind = fields.Selection(KINDS, "Kind", required=True)
    network = fields.Char(
        "Network", required=True,
        help="A hash of the client's network: the address is not kept.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_indexes.add(Index(
                table,
                (table.network, Index.Equality(cardinality='high')),
                (table.kind, Index.Equality()),
                (table.create_date, Index.Range())))

    @staticmethod
    def _network_key(address):
        # The address of a citizen is personal data: keep only a hash
        secret = config.get('ossis_portal', 'secret', default='')
        return hashlib.sha256(
            (secret + client_network(address)).encode()).hexdigest()

    @staticmethod
    def window():
        return dt.timedelta(seconds=config.getint(
                'ossis_portal', 'attempt_window', default=15 * 60))

    @staticmethod
    def maximum():
        return config.getint('ossis_portal', 'max_attempts', default=10)

    @classmethod
    def _purge(cls):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(
                where=table.create_date < dt.datetime.now() - cls.window()))

    @classmethod
    def add(cls, kind, address):
        cls._purge()
        cls.create([{'kind': kind, 'network': cls._network_key(address)}])

    @classmethod
    def count(cls, kind, address):
        since = dt.datetime.now() - cls.window()
        return cls.search_count([
                ('kind', '=', kind),
                ('network', '=', cls._network_key(address)),
                ('create_date', '>=', since),
                ])

    @classmethod
    def blocked(cls, kind, address):
        "Tell whether the client made too many failed attempts lately"
        return cls.count(kind, address) >= cls.maximum()
