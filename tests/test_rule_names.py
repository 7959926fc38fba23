# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The record rules are named by sentences a clerk understands

Tryton shows the names of the rules that refuse a record to the user, in the
user's language: each is a sentence, translated into Albanian."""
from pathlib import Path

import polib
from lxml import etree

ADDONS = Path(__file__).parent.parent / 'addons'


def rule_groups():
    "Yield the module, the XML id and the name of every record rule"
    for path in sorted(ADDONS.glob('ossis_*/*.xml')):
        tree = etree.parse(str(path))
        for record in tree.iterfind('.//record[@model="ir.rule.group"]'):
            name, = record.xpath('field[@name="name"]/text()')
            yield path.parent.name, record.get('id'), name


def test_rule_names_are_sentences():
    "Test every rule is named by a sentence with its Albanian translation"
    rules = list(rule_groups())
    assert rules
    translations = {}
    for module in {m for m, _, _ in rules}:
        po = polib.pofile(str(ADDONS / module / 'locale' / 'sq.po'))
        translations[module] = {(e.msgctxt, e.msgid): e.msgstr for e in po}
    for module, xml_id, name in rules:
        assert name[0].isupper() and name.endswith('.'), (
            f"{module}.{xml_id}: {name!r} is not a sentence")
        translated = translations[module].get(
            (f'model:ir.rule.group,name:{xml_id}', name))
        assert translated and translated.endswith('.'), (
            f"{module}.{xml_id}: {name!r} has no Albanian sentence")
