# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.model import Model, fields
from trytond.pool import PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


class ModelLog(metaclass=PoolMeta):
    "The lines of trytond's log of modifications, clicks and transitions"
    __name__ = 'ir.model.log'

    @classmethod
    def _validate(cls, records, field_names=None):
        # Only trytond makes the lines, from the records it logs, and stores
        # those of a transaction at its commit; no user may create or modify
        # one (ir.model.access).  Validating them read every line back:
        # about a quarter of the CPU of a back-office action.
        pass

    @classmethod
    def save(cls, lines):
        # trytond stores the new lines of a transaction at its commit with
        # save, whose create computes defaults, formats, checks and reads
        # back each line: a tenth of the CPU of a back-office action.  They
        # are inserted from their values instead, with the user and the
        # time of their creation as create writes them.
        rows = [line._save_values() for line in lines]
        names = sorted({n for row in rows for n in row})
        if (not lines
                or any(line.id is not None for line in lines)
                or not all(cls._is_column(n) for n in names)):
            return super().save(lines)
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        columns = [table.create_uid, table.create_date] + [
            getattr(table, n) for n in names]
        values = [
            [transaction.user, CurrentTimestamp()] + [
                cls._sql_value(n, row.get(n)) for n in names]
            for row in rows]
        size = backend.MAX_QUERY_PARAMS // len(columns)
        for sub_values in grouped_slice(values, size):
            cursor.execute(*table.insert(columns, list(sub_values)))

    @classmethod
    def _sql_value(cls, name, value):
        field = cls._fields[name]
        if isinstance(field, fields.Reference) and isinstance(value, Model):
            # What sql_format writes, without trying first to unpack the
            # record as a pair, which raises an exception for each line
            return f'{value.__name__},{value.id}'
        return field.sql_format(value)

    @classmethod
    def _is_column(cls, name):
        field = cls._fields.get(name)
        return (field is not None
            and not isinstance(field, fields.Function)
            and not hasattr(field, 'set'))
