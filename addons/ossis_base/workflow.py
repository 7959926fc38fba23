# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Workflow transitions whose method writes the state with its values"""
from functools import wraps

from trytond.transaction import without_check_access


def state_transition(state):
    """Decorate a method of a ``Workflow`` model that moves its records to
    the state, as ``Workflow.transition`` does: the method gets only the
    records that may move from their state to this one, the state of those
    it left where they were is written after it, and the records that moved
    are logged

    A method may write the state with the rest of its values, in one write:
    trytond's decorator then writes nothing after it, but logs nothing
    either, and it still makes a write of no records, with the checks,
    validation and hooks of a write."""
    def decorator(func):
        @wraps(func)
        def wrapper(cls, records, *args, **kwargs):
            field = cls._transition_state
            allowed, before = [], {}
            for record in records:
                current = getattr(record, field)
                if (current, state) in cls._transitions:
                    allowed.append(record)
                    if current != state:
                        before[record] = current
            result = func(cls, allowed, *args, **kwargs)
            # Only the state: the method's write emptied the cache of the
            # records, whose next attribute would read every field again
            with without_check_access():
                states = {r['id']: r[field] for r in cls.read(
                        [r.id for r in before], [field])}
            moved, left = [], []
            for record, current in before.items():
                after = states[record.id]
                if after == current:
                    left.append(record)
                if after in {current, state}:
                    moved.append(record)
            if left:
                cls.write(left, {field: state})
            if moved:
                cls.log(moved, 'transition', f'{field}:{state}')
            return result
        return wrapper
    return decorator
