# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The addresses of the citizen portal, from the ``[ossis_portal]`` section
of the trytond configuration

``url``
    the page where the applicant follows an application; ``{tracking_code}``
    is replaced with the tracking code, else the code is added as the
    parameter ``code``, e.g. ``https://portal.example.al/track/{tracking_code}``
``verify_url``
    the page where anyone verifies an output document;
    ``{verification_code}`` is replaced with the verification code, else the
    code is added as the parameter ``code``, e.g.
    ``https://portal.example.al/verify/{verification_code}``
"""
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from trytond import config


def _url(option, placeholder, code):
    url = config.get('ossis_portal', option)
    if not url or not code:
        return None
    if placeholder in url:
        return url.replace(placeholder, quote(code, safe=''))
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query.append(('code', code))
    return urlunsplit(parts._replace(query=urlencode(query)))


def tracking_url(tracking_code):
    "Return where the applicant follows the application, or None"
    return _url('url', '{tracking_code}', tracking_code)


def verification_url(verification_code):
    "Return where anyone verifies the output document, or None"
    return _url('verify_url', '{verification_code}', verification_code)
