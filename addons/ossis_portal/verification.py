# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import Model


class Verification(Model):
    """Portal Verification

    What the verification page finds for a code that is not the code of
    an application's output document: a module that prints verification
    codes on its own documents extends lookup, and the portal shows its
    result without knowing what the document is."""
    __name__ = 'ossis.portal.verification'
    __string__ = "Portal Verification"

    @classmethod
    def lookup(cls, text):
        """Return what the page tells about the document whose code was
        typed, or None when no document has it

        The result is a dictionary of texts in the language of the
        context: "title" (what the document is), "valid" (whether it proves
        what it says today), "status" (the sentence that says so),
        "details" (a list of (label, value)) and "company" (the
        municipality that issued it, whose colours the page wears, or
        None).  An extension returns the result of super() when it does
        not know the code."""
        return None
