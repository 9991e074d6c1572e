"""A self-signed certificate for ``fel serve --tls``, made at start-up.

The certificate (EC P-256, valid for 7 days, for ``127.0.0.1``, ``::1`` and ``localhost``) and
its key are written to a private temporary directory that :meth:`SelfSigned.cleanup` removes;
clients verify against :attr:`SelfSigned.cert_file` (``requests.get(..., verify=cert_file)``).
"""
from __future__ import annotations

import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = ["SelfSigned", "make_self_signed", "server_context"]


@dataclass
class SelfSigned:
    directory: str
    cert_file: str
    key_file: str

    def cleanup(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def make_self_signed(common_name: str = "localhost") -> SelfSigned:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise RuntimeError("--tls needs the 'cryptography' package (pip install cryptography)") from exc
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fel emulator")])
    now = datetime.now(timezone.utc)
    san = x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                       x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                       x509.IPAddress(ipaddress.ip_address("::1"))])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=7))
            .add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    directory = tempfile.mkdtemp(prefix="fel-emulator-tls-")
    cert_file = os.path.join(directory, "cert.pem")
    key_file = os.path.join(directory, "key.pem")
    with open(cert_file, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    return SelfSigned(directory, cert_file, key_file)


def server_context(material: SelfSigned) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(material.cert_file, material.key_file)
    return ctx
