# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import polib

from trytond.pool import Pool, PoolMeta

# The types whose translations differ by source text as well
_BY_SOURCE = {'report', 'view', 'wizard_button', 'selection'}


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        if isinstance(po_path, str):
            po_path = [po_path]
        cls._create_overridden(lang, po_path)
        return super().translation_import(lang, module, po_path)

    @classmethod
    def _create_overridden(cls, lang, po_path):
        """Create the missing translations that the files override

        A module translates the strings of others in locale/override/, but
        Tryton overrides only translations that exist, and the core modules
        have none into Albanian: they are created empty first."""
        overridden = list(cls._overrides(po_path))
        if not overridden:
            return
        modules = {m for _, m, _ in overridden}
        existing = {
            cls._override_key(t, t.module, t.res_id)
            for t in cls.search([
                    ('lang', '=', lang),
                    ('module', 'in', list(modules)),
                    ])}
        db_ids = cls._db_ids({(m, f) for _, m, f in overridden if f})
        to_create, keys = [], set()
        for translation, module, fs_id in overridden:
            res_id = db_ids.get((module, fs_id), -1) if fs_id else -1
            key = cls._override_key(translation, module, res_id)
            if key in existing or key in keys:
                continue
            keys.add(key)
            to_create.append({
                    'lang': lang,
                    'module': module,
                    'name': translation.name,
                    'type': translation.type,
                    'res_id': res_id,
                    'src': translation.src,
                    'src_plural': translation.src_plural,
                    'value': '',
                    })
        if to_create:
            cls.create(to_create)

    @classmethod
    def _overrides(cls, po_path):
        "Yield the translation, module and XML id of each override entry"
        for path in po_path:
            for entry in polib.pofile(path):
                if entry.obsolete:
                    continue
                translation, res_id = cls.from_poentry(entry)
                if '.' in res_id:
                    module, fs_id = res_id.split('.')
                    yield translation, module, fs_id

    @staticmethod
    def _override_key(translation, module, res_id):
        key = (module, translation.name, translation.type, res_id)
        if translation.type in _BY_SOURCE:
            key += (translation.src, translation.src_plural or None)
        return key

    @classmethod
    def _db_ids(cls, xml_ids):
        "Return the database ids of the (module, XML id) pairs"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        db_ids = {}
        for module in {m for m, _ in xml_ids}:
            fs_ids = [f for m, f in xml_ids if m == module]
            for data in ModelData.search([
                        ('module', '=', module),
                        ('fs_id', 'in', fs_ids),
                        ]):
                db_ids[module, data.fs_id] = data.db_id
        return db_ids
