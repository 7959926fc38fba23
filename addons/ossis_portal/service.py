# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta

from .page_cache import PageSourceMixin


class Service(PageSourceMixin, metaclass=PoolMeta):
    __name__ = 'ossis.service'


class LGUService(PageSourceMixin, metaclass=PoolMeta):
    __name__ = 'ossis.lgu.service'
