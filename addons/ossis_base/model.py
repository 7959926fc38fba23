# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model.exceptions import (
    RequiredValidationError, SelectionValidationError)
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import LGUAccessError, LGUMismatchError


class RuleFirstMixin:
    """Check the record rules before the checks of a modification

    Tryton calls check_modification before the write and delete record
    rules: its errors, which name the records and their state, would tell
    a user about the records of another municipality."""
    __slots__ = ()

    @classmethod
    def _before_write(cls, *args):
        records = [r for records in args[::2] for r in records]
        cls._check_rule_first('write', records)
        return super()._before_write(*args)

    @classmethod
    def _before_delete(cls, records):
        cls._check_rule_first('delete', records)
        return super()._before_delete(records)

    @classmethod
    def _check_rule_first(cls, mode, records):
        pool = Pool()
        Rule = pool.get('ir.rule')
        transaction = Transaction()
        if records and transaction.user and transaction.check_access:
            Rule.check(cls.__name__, list({r.id for r in records}), mode)


class LGUOwnedMixin(RuleFirstMixin):
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
    def _before_create(cls, vlist):
        vlist = super()._before_create(vlist)
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            default = cls.default_company()
            cls.check_lgu_allowed(
                'create', {v.get('company', default) for v in vlist})
        return vlist

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external and mode == 'write' and 'company' in values:
            cls.check_lgu_allowed('write', {values['company']}, records)

    @classmethod
    def check_lgu_allowed(cls, mode, company_ids, records=None):
        """Refuse records put in a municipality the user does not work for

        Refused before the record is stored, as the record rule would after:
        a uniqueness constraint must not tell first what the other
        municipality has registered."""
        pool = Pool()
        User = pool.get('res.user')
        RuleGroup = pool.get('ir.rule.group')
        if set(filter(None, company_ids)) <= set(User.get_companies()):
            return
        with without_check_access():
            rules = RuleGroup.search([
                    ('model', '=', cls.__name__),
                    ('global_p', '=', True),
                    (f'perm_{mode}', '=', True),
                    ])
        raise LGUAccessError(gettext(
                f'ir.msg_{mode}_rule_error',
                ids=', '.join(str(r.id) for r in records or []),
                rules='\n'.join(r.name for r in rules),
                **cls.__names__()))

    @classmethod
    def _validate(cls, records, field_names=None):
        cls.check_lgu_links(records, field_names)
        super()._validate(records, field_names=field_names)

    @classmethod
    def check_lgu_links(cls, records, field_names=None):
        links = [
            f for f in cls._lgu_links
            if not field_names or f in field_names or 'company' in field_names]
        if not links or not records:
            return
        # Read the ids only: instantiating every linked record of a batch
        # would cost more than the rest of its validation
        with without_check_access():
            rows = cls.read([r.id for r in records], ['company'] + links)
        for field_name in links:
            Target = cls._fields[field_name].get_target()
            linked = {row['id']: _ids(row[field_name]) for row in rows}
            targets = {t for ids in linked.values() for t in ids}
            with without_check_access():
                companies = {
                    t['id']: t['company']
                    for t in Target.read(list(targets), ['company'])}
            for row in rows:
                for target in linked[row['id']]:
                    if companies[target] != row['company']:
                        cls._raise_lgu_mismatch(
                            cls(row['id']), field_name, Target(target))

    @classmethod
    def _raise_lgu_mismatch(cls, record, field_name, target):
        # Neither the target nor the record (whose name may include the
        # target, as in a tree) is named: the user may not read the target
        raise LGUMismatchError(gettext(
                'ossis_base.msg_lgu_link_mismatch',
                **cls.__names__(field_name)))


class MadeByProcessMixin:
    """Records that only the process makes, from values it computed, and
    that never change

    No user may create or modify one (``ir.model.access``).  trytond
    validates a record it created by reading it back; these are checked
    from the values in hand instead: the required values and the
    selections.  Their fields may have no domain and no conditional
    requirement, which would need the records."""
    __slots__ = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        for name, field in cls._fields.items():
            assert not field.domain, (cls.__name__, name)
            assert 'required' not in field.states, (cls.__name__, name)

    @classmethod
    def _before_create(cls, vlist):
        vlist = super()._before_create(vlist)
        cls.check_values_in_hand(vlist)
        return vlist

    @classmethod
    def check_values_in_hand(cls, vlist):
        "Check the required values and the selections of the new records"
        required = [n for n, f in cls._fields.items() if f.required]
        selections = {
            n: cls._selection_values(f) for n, f in cls._fields.items()
            if f._type == 'selection' and f.selection}
        for values in vlist:
            for name in required:
                if values.get(name) is None:
                    raise RequiredValidationError(gettext(
                            'ir.msg_required_validation',
                            **cls.__names__(name)))
            for name, allowed in selections.items():
                value = values.get(name)
                if value not in allowed:
                    raise SelectionValidationError(gettext(
                            'ossis_base.msg_selection_value', value=value,
                            **cls.__names__(name)))

    @classmethod
    def _selection_values(cls, field):
        selection = field.selection
        if isinstance(selection, str):
            selection = getattr(cls, selection)()
        allowed = {value for value, _ in selection}
        # None and '' are equivalent, as trytond validates them
        if allowed & {None, ''}:
            allowed |= {None, ''}
        return allowed

    @classmethod
    def _validate(cls, records, field_names=None):
        if field_names is None:
            field_names = set(cls._fields)
        # What trytond runs after the checks of the fields
        cls.validate(records)
        cls.validate_fields(records, field_names)


def _ids(value):
    "Return the ids of a Many2One or a Many2Many value as read"
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
