# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A timestamp authority (RFC 3161 over HTTP) on a local port, for the
tests of the seals that carry a timestamp"""
import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper

from .certificates import make_timestamp_authority


class _Handler(BaseHTTPRequestHandler):

    def do_POST(self):
        length = int(self.headers['Content-Length'])
        request = tsp.TimeStampReq.load(self.rfile.read(length))
        response = asyncio.run(
            self.server.stamper.async_request_tsa_response(request))
        body = response.dump()
        self.send_response(200)
        self.send_header('Content-Type', 'application/timestamp-reply')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class TimestampServer:
    """A timestamp authority certified by the authority, answering at
    ``url`` while in its ``with`` block"""

    def __init__(self, authority):
        certificate, key = make_timestamp_authority(authority)
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.server.stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(
                certificate.public_bytes(serialization.Encoding.DER)),
            tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption())))
        self.url = f'http://127.0.0.1:{self.server.server_port}/'

    def __enter__(self):
        threading.Thread(
            target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
