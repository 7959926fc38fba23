# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Long JSON-RPC answers sent in large pieces, and labelled as they are

trytond streams an answer of more than 1400 bytes from its encoder's
``iterencode``: one piece per token of JSON.  A client that accepts gzip
(a browser, the web client) gets it compressed in large pieces.  Any
other client gets every token as a piece of its own, which gunicorn
writes with a system call each: 229 ms for the 100 rows of the clerks'
inbox, against 76 ms gzipped.  That answer also says ``Content-Encoding:
gzip`` although it is not compressed (trytond sets the header outside its
test of the client's encodings), so a client that decodes by the header
cannot read it.

Importing this module (``ossis_base`` does) wraps trytond's
``JSONProtocol.response``: such an answer loses the false header and is
sent in pieces of 64 KiB.  See doc/design.rst: a candidate for trytond.
"""
from trytond.protocols.jsonrpc import JSONProtocol

PIECE = 64 * 1024


def pieces(tokens, size=PIECE):
    "Join the tokens into pieces of about size characters"
    buffer, length = [], 0
    for token in tokens:
        buffer.append(token)
        length += len(token)
        if length >= size:
            yield ''.join(buffer)
            buffer, length = [], 0
    if buffer:
        yield ''.join(buffer)


def install():
    "Wrap trytond's JSONProtocol.response"
    response = JSONProtocol.response.__func__
    if getattr(response, 'ossis', False):
        return

    def wrapper(cls, data, request):
        answer = response(cls, data, request)
        if (answer.headers.get('Content-Encoding') == 'gzip'
                and 'gzip' not in request.accept_encodings):
            del answer.headers['Content-Encoding']
            answer.response = pieces(answer.response)
        return answer
    wrapper.ossis = True
    JSONProtocol.response = classmethod(wrapper)


install()
