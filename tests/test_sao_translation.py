# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Albanian translation of the staff web client (sao) is complete

web/sao/locale/sq.po translates every string of sao (its
locale/messages.pot, installed by scripts/install-sao.sh), and the setup
compiled it into the client's locale/sq.json."""
import json
import os
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / 'web' / 'sao' / 'locale' / 'sq.po'
SAO = Path(os.environ.get('OSSIS_SAO_DIR') or ROOT / '.web' / 'sao')


@pytest.fixture(scope='module')
def sao_locale():
    folder = SAO / 'locale'
    if not (folder / 'messages.pot').is_file():
        pytest.fail(
            "the web client (sao) is not installed: run \"make setup\"",
            pytrace=False)
    return folder


def translated(entry):
    "Return whether the entry has every form translated"
    if 'fuzzy' in entry.flags:
        return False
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        return len(forms) == 2 and all(forms.values())
    return bool(entry.msgstr)


def test_every_string_translated(sao_locale):
    "Test every string of sao has an Albanian translation"
    translations = {
        e.msgid: e for e in polib.pofile(str(SOURCE)) if translated(e)}
    missing = [
        e.msgid for e in polib.pofile(str(sao_locale / 'messages.pot'))
        if e.msgid not in translations]
    assert not missing, (
        f"{len(missing)} strings of sao lack an Albanian translation in "
        f"{SOURCE.relative_to(ROOT)}: {missing}")


def test_translation_installed(sao_locale):
    "Test the installed client has the Albanian translation of the source"
    compiled = sao_locale / 'sq.json'
    assert compiled.is_file(), "sq.json is not installed: run \"make setup\""
    data = json.loads(compiled.read_text(encoding='utf-8'))
    expected = {
        e.msgid: ([e.msgid_plural, e.msgstr_plural[0], e.msgstr_plural[1]]
            if e.msgid_plural else [None, e.msgstr])
        for e in polib.pofile(str(SOURCE)) if translated(e)}
    assert {k: v for k, v in data.items() if k} == expected
