# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Keep the codes of the portal out of the server's log

The links of the QR codes and of the emails hold tracking codes,
verification codes and the tokens of saved drafts, which the server logs
with every request: its log would become a list of keys.  The filter masks
them in the lines of trytond's and Werkzeug's request logs."""
import logging
import re

_CODE = re.compile(
    r'(/portal/(?:track|verify|[^/\s]+/resume)/)[^/?\s\'"]+'
    r'|((?:\?|&)code=)[^&\s\'"]+')
MASK = '***'
LOGGERS = ['trytond.wsgi', 'werkzeug']


def mask_codes(text):
    "Return the text with the codes of the portal masked"
    return _CODE.sub(lambda m: (m.group(1) or m.group(2)) + MASK, text)


class MaskCodes(logging.Filter):
    "Mask the codes of the portal in the request lines"

    def filter(self, record):
        message = record.getMessage()
        masked = mask_codes(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install():
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskCodes) for f in logger.filters):
            logger.addFilter(MaskCodes())
