# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The options of a selection field built once per list, not once per row

The clients ask the label of the value of a selection field of a list
("state:string").  trytond's ``ModelSQL.read`` gives it by calling the
field's ``get_selection`` for each row, which builds the whole definition
of the field (``fields_get``, translations and access rights included)
each time: 40 ms for the 100 rows of the clerks' inbox, as much as the
rest of the read.  Unless the options come from an instance method (they
may then differ by record), they are the same for every row: this module
keeps them for the transaction and its context (the same object: a read
does not change it), until the next write of the transaction
(``Transaction.counter``).

Importing this module (``ossis_base`` does) replaces the code of trytond's
classmethod.  See doc/design.rst: a candidate for trytond itself.
"""
from weakref import WeakKeyDictionary

from trytond.model.fields.selection import SelectionMixin
from trytond.tools import is_instance_method
from trytond.transaction import Transaction

_built = WeakKeyDictionary()


def _build(model, name, inst):
    "Return the options of the field by value, as trytond builds them"
    selection = model.fields_get([name])[name]['selection']
    if isinstance(selection, str):
        sel_func = getattr(model, selection)
        if not is_instance_method(model, selection):
            selection = sel_func()
        else:
            selection = sel_func(inst)
    return dict(selection)


def get_selection(cls, model, name, inst):
    field = model._fields[name]
    if (isinstance(field.selection, str)
            and is_instance_method(model, field.selection)):
        return _build(model, name, inst)
    transaction = Transaction()
    built = _built.setdefault(transaction, {})
    key = (model.__name__, name, transaction.counter)
    # The same context object: comparing the contexts would cost a good
    # part of what is saved, and keeping it keeps its id from being reused
    context, selection = built.get(key, (None, None))
    if context is not transaction.context:
        selection = _build(model, name, inst)
        built[key] = transaction.context, selection
    return selection


def install():
    "Run trytond's get_selection with the code of this module's"
    SelectionMixin.get_selection = classmethod(get_selection)


install()
