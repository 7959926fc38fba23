# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    notifications = fields.One2Many(
        'ossis.notification', 'origin', "Notifications", readonly=True)

    @classmethod
    def notify(cls, applications, event):
        pool = Pool()
        Notification = pool.get('ossis.notification')
        super().notify(applications, event)
        Notification.notify_applicants(applications, event)
