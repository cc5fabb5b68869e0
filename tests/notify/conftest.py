"""Outside parties on 127.0.0.1: an SMS gateway speaking the SendSms shape, an SMTP server
with STARTTLS and a login (aiosmtpd), and settings pointing the providers at them."""

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SMS_TOKEN = "sms-test-token"
SMTP_USER = "mailer"
SMTP_PASSWORD = "mail-pass-123"


@dataclass
class Gateway:
    """What the SMS gateway received, and how it answers next (one entry per request)."""

    url: str
    requests: list[dict] = field(default_factory=list)
    #: "ok", "refuse", "http500", "garbage" or "slow"; when empty: "ok".
    script: list[str] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _gateway_handler(gateway: Gateway):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output quiet
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with gateway.lock:
                gateway.requests.append({"body": body, "auth": self.headers.get("Authorization")})
                n = len(gateway.requests)
                action = gateway.script.pop(0) if gateway.script else "ok"
            if gateway.delay:
                time.sleep(gateway.delay)
            if action == "slow":
                time.sleep(1.5)
            if action == "http500":
                return self._answer(500, b"<html>busy</html>")
            if action == "garbage":
                return self._answer(200, b"not json")
            if action == "refuse":
                answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
            else:
                answer = {"Code": "OK", "Message": "OK", "BizId": f"biz-{n}", "RequestId": "r"}
            self._answer(200, json.dumps(answer, ensure_ascii=False).encode())

        def _answer(self, status: int, payload: bytes):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


@pytest.fixture
def gateway():
    holder = Gateway(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _gateway_handler(holder))
    server.daemon_threads = True
    holder.url = f"http://127.0.0.1:{server.server_port}/sms/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (the SMTP server's STARTTLS)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class Mailbox:
    port: int
    messages: list = field(default_factory=list)
    #: Whether each message came over an encrypted session (after STARTTLS).
    encrypted: list[bool] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        self.encrypted.append(session.ssl is not None)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server(certificate):
    cert_file, key_file = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    mailbox = Mailbox(port=_free_port())
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=mailbox.port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def providers(app, monkeypatch, gateway, smtp_server, certificate):
    """Point sms.http at the local gateway and email.smtp at the local SMTP server."""
    settings = {
        "NOTIFY_SMS_PROVIDER": "sms.http",
        "NOTIFY_EMAIL_PROVIDER": "email.smtp",
        "NOTIFY_SMS_URL": gateway.url,
        "NOTIFY_SMS_TOKEN": SMS_TOKEN,
        "NOTIFY_SMS_READ_TIMEOUT": 0.5,
        "NOTIFY_SMTP_HOST": "127.0.0.1",
        "NOTIFY_SMTP_PORT": smtp_server.port,
        "NOTIFY_SMTP_USER": SMTP_USER,
        "NOTIFY_SMTP_PASSWORD": SMTP_PASSWORD,
        "NOTIFY_SMTP_CA_FILE": str(certificate[0]),
        "NOTIFY_SMTP_TIMEOUT": 5.0,
        "NOTIFY_EMAIL_FROM": "noreply@recruit.test",
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    return gateway, smtp_server
