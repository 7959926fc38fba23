# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Texts compared as people type them: without ë and ç"""
import unicodedata


def fold(text):
    "Return the text in lower case without accents: ë matches e, ç c"
    text = unicodedata.normalize('NFKD', (text or '').casefold())
    return ''.join(c for c in text if not unicodedata.combining(c))
