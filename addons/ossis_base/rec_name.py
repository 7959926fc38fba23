# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The names of records read with the fields they are made of

When the client reads the name of a record (``rec_name``, the text of a
link in a list or a form), trytond selects the records' ids to check them,
then each record's ``get_rec_name`` takes one or two of their fields, for
which trytond loads every eagerly loaded field of the records: a second
statement, and the conversion of all their columns, for each model of the
page.  The models of ``RecNameFieldsMixin`` name in ``_rec_name_fields``
the stored fields their name is made of: reading ``rec_name`` selects them
in the statement that checks the records, and ``get_rec_name`` finds them
in the transaction's cache.  The rows returned are those asked for.  See
doc/design.rst: a candidate for trytond itself.
"""
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction


class RecNameFieldsMixin:
    "Read the fields of the record name with the records that are named"
    __slots__ = ()
    # The stored fields that get_rec_name reads
    _rec_name_fields = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        for name in cls._rec_name_fields:
            field = cls._fields[name]
            assert (not isinstance(field, fields.Function)
                and not hasattr(field, 'set')
                and not field._type.endswith('2many')), (
                f"{cls.__name__}.{name} is not a column")

    @classmethod
    def read(cls, ids, fields_names):
        if 'rec_name' not in fields_names:
            return super().read(ids, fields_names)
        added = [n for n in cls._rec_name_readable()
            if n not in fields_names]
        rows = super().read(ids, list(fields_names) + added)
        for row in rows:
            for name in added:
                del row[name]
        return rows

    @classmethod
    def _rec_name_readable(cls):
        """Return the fields of the name that the user may read: the name of
        a record whose fields they may not read is loaded as before"""
        if not cls._rec_name_fields or not Transaction().check_access:
            return cls._rec_name_fields
        FieldAccess = Pool().get('ir.model.field.access')
        access = FieldAccess.get_access([cls.__name__])[cls.__name__]
        return [n for n in cls._rec_name_fields
            if access.get(n, {}).get('read', True)]
