"""`custos serve --tls-cert --tls-key`: the API and the console over HTTPS, with Secure session cookies."""

from __future__ import annotations

import datetime
import re
import subprocess
import threading
import time
import warnings

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import CUSTOS_BIN, run_cli

PASSWORD = "console tls password"


def self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address(
                "127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_console_over_tls_has_secure_cookies(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    run_cli("users", "add", "--data", str(data), "--username", "ann", "--role", "auditor", "--actor", "overseer-1",
            input=PASSWORD + "\n", check=True)
    cert, key = self_signed(tmp_path)
    assert run_cli("serve", "--data", str(data), "--tls-cert", str(cert)).returncode != 0
    proc = subprocess.Popen([CUSTOS_BIN, "serve", "--data", str(data), "--port", "0", "--tls-cert", str(cert),
                             "--tls-key", str(key)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = None
        deadline = time.monotonic() + 30
        for line in proc.stdout:
            m = re.search(r"listening on (https://127\.0\.0\.1:\d+)", line)
            if m:
                url = m.group(1)
                break
            assert time.monotonic() < deadline
        assert url, "the server did not report an https address"
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert requests.get(url + "/health", verify=str(cert), timeout=30).status_code == 200
            r = requests.post(url + "/login", data={"username": "ann", "password": PASSWORD},
                              allow_redirects=False, verify=str(cert), timeout=30)
            assert r.status_code == 302
            cookie = r.headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
            session = {"custos_session": cookie.split(";")[0].split("=", 1)[1]}
            r = requests.get(url + "/ledger", cookies=session, verify=str(cert), allow_redirects=False, timeout=30)
            assert r.status_code == 200 and "<h1>Ledger</h1>" in r.text
        # Plain HTTP is not answered on the TLS port.
        try:
            plain = requests.get(url.replace("https://", "http://") + "/health", timeout=5)
            assert plain.status_code != 200
        except requests.exceptions.RequestException:
            pass
    finally:
        proc.terminate()
        proc.wait(timeout=30)
