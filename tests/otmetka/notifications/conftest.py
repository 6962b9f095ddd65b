"""Real transports on loopback: an SMTP server (aiosmtpd) that keeps what it receives, and an
SMS gateway (http.server in a thread) that can fail a number of times first."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from otmetka.audit.context import AuditContext
from otmetka.notifications import services


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, parsed))
        return "250 OK"


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on loopback, and the e-mail transport pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.NOTIFY_EMAIL_TRANSPORT = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


@dataclass
class GatewayState:
    fail_first: int = 0
    fail_status: int = 503
    requests: list = field(default_factory=list)


class _GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        state: GatewayState = self.server.state
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        state.requests.append({"body": body, "auth": self.headers.get("Authorization", "")})
        if state.fail_first > 0:
            state.fail_first -= 1
            self.send_response(state.fail_status)
            self.end_headers()
            return
        answer = json.dumps({"id": f"gw-{len(state.requests)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # quiet test output
        pass


@pytest.fixture
def sms_gateway(settings, schools):
    """A real HTTP SMS gateway on loopback, configured as the region's (through the service)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GatewayHandler)
    server.state = GatewayState()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_SMS_TRANSPORT = "http"
    services.transport_settings_save(
        ctx=AuditContext.system("tests"),
        url=f"http://127.0.0.1:{server.server_address[1]}/sms",
        sender="Otmetka",
        token="gateway-secret",
    )
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
