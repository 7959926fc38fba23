# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.transaction import Transaction

from .exceptions import LGUMismatchError


class LGUOwnedMixin:
    """Records that belong to one municipality (the "company" field)

    The fields named in ``_lgu_links`` point to records that must belong to
    the same municipality.  They are checked before the field domains so
    that a clerk reads which link crosses municipalities instead of a
    generic domain error.
    """
    __slots__ = ()
    _lgu_links = ()

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def _validate(cls, records, field_names=None):
        cls.check_lgu_links(records, field_names)
        super()._validate(records, field_names=field_names)

    @classmethod
    def check_lgu_links(cls, records, field_names=None):
        links = [
            f for f in cls._lgu_links
            if not field_names or f in field_names or 'company' in field_names]
        for record in records:
            for field_name in links:
                value = getattr(record, field_name, None)
                targets = value if isinstance(value, tuple) else [value]
                for target in targets:
                    if target and target.company != record.company:
                        cls._raise_lgu_mismatch(record, field_name, target)

    @classmethod
    def _raise_lgu_mismatch(cls, record, field_name, target):
        # Neither the target nor the record (whose name may include the
        # target, as in a tree) is named: the user may not read the target
        raise LGUMismatchError(gettext(
                'ossis_base.msg_lgu_link_mismatch',
                **cls.__names__(field_name)))
