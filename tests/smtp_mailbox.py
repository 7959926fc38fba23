# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A local SMTP server that keeps the emails the test server sends"""
import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller
from ossis_testserver import free_port


class Mailbox:
    "An SMTP server on a free local port; ``uri`` is its [email] uri"

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self._lock = threading.Lock()
        self.controller = None

    @property
    def uri(self):
        return f'smtp://127.0.0.1:{self.port}'

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return '250 Message accepted for delivery'

    def start(self):
        self.controller = Controller(
            self, hostname='127.0.0.1', port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def received(self, recipient):
        "Return the messages received for the recipient, oldest first"
        with self._lock:
            return [m for to, m in self.messages
                if recipient.lower() in (t.lower() for t in to)]

    def wait(self, recipient, count=1, timeout=30):
        """Wait until count messages arrived for the recipient and return
        them; the server sends after its transaction commits"""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.received(recipient)
            if len(messages) >= count or time.monotonic() > deadline:
                return messages
            time.sleep(0.2)
