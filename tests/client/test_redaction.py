"""Issue #14: a server that echoes what the client sent (a 401 body quoting `Authorization`)
must not get the credentials into the exception, its repr, its traceback or `fel run`'s
stderr: redaction knows every encoding of a secret the client sends."""
from __future__ import annotations

import base64
import html
import traceback
from urllib.parse import quote, quote_plus

import pytest

from fel.client import Client
from fel.client.errors import AuthFailed

from hostile_kit import HostileServer


USER, SECRET = "CORP\\aud+itor", "s3cr/et+pä=ss"
TOKEN = "dG9rZW4tMTIzNDU2Nzg5"


def _b64(text: str, encoding: str = "utf-8") -> str:
    return base64.b64encode(text.encode(encoding)).decode()


def _echo_forms() -> dict[str, str]:
    basic = _b64(f"{USER}:{SECRET}")
    return {
        "basic-header": f"Authorization: Basic {basic}",
        "basic-unpadded": basic.rstrip("="),
        "basic-latin1": _b64(f"{USER}:{SECRET}", "latin-1"),
        "basic-url-encoded": quote(basic, safe=""),
        "basic-form-encoded": quote_plus(f"Basic {basic}"),
        "user-colon-password": f"{USER}:{SECRET}",
        "password-url-encoded": quote(SECRET, safe=""),
        "password-lower-hex": quote(SECRET, safe="").lower(),
        "password-json": '"' + SECRET.replace("/", "\\/") + '"',
        "password-xml": SECRET.replace("&", "&amp;"),
        "token": TOKEN,
        "token-url-encoded": quote(TOKEN, safe=""),
    }


def _leaks(text: str) -> list[str]:
    basic = _b64(f"{USER}:{SECRET}")
    needles = {basic, basic.rstrip("="), _b64(f"{USER}:{SECRET}", "latin-1").rstrip("="), quote(basic, safe=""),
               SECRET, quote(SECRET, safe=""), quote(SECRET, safe="").lower(), quote_plus(SECRET), TOKEN,
               quote(SECRET, safe="").replace("%2F", "/")}
    return [n for n in needles if n in text]


def _echo_server(form: str) -> HostileServer:
    """Logs on (the token is TOKEN), then answers every query 401 echoing the credentials in ``form``;
    a second logon is refused the same way."""
    state = {"logons": 0}
    echo = _echo_forms()[form]

    def answer(conn):
        if conn.method == "POST":
            state["logons"] += 1
            if state["logons"] == 1:
                return conn.logon()
        said = html.escape(f"denied; you sent {echo} and {conn.header('Authorization')}"
                           f" and {conn.header('X-RestSvcSessionId')}")
        body = (f'<Error xmlns="http://www.veeam.com/ent/v1.0" StatusCode="401" Message="{said}">'
                f"<FirstChanceExceptionMessage>{html.escape(echo)}</FirstChanceExceptionMessage></Error>")
        return conn.answer(401, body.encode(), headers=(("WWW-Authenticate", f"Basic {echo}"),))

    from hostile_kit import keep_alive

    return HostileServer(keep_alive(answer))


@pytest.mark.parametrize("form", sorted(_echo_forms()))
def test_an_echoed_secret_never_reaches_the_exception_its_repr_or_traceback(form):
    with _echo_server(form) as server:
        with Client(server.url, USER, SECRET, retries=0) as c:
            with pytest.raises(AuthFailed) as info:
                c.query("type=Job").list()
    exc = info.value
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc)), exc.server_message or "",
             exc.first_chance or "", repr(exc.request), repr(exc.args)]
    assert exc.status == 401 and "<redacted>" in str(exc)
    for text in texts:
        assert _leaks(text) == [], text


def test_fel_run_stderr_never_shows_an_echoed_secret(capsys, monkeypatch, tmp_path):
    from fel.cli import main

    monkeypatch.setenv("FEL_TEST_PW", SECRET)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("FEL_PROFILE", raising=False)
    with _echo_server("basic-header") as server:
        code = main(["run", "--url", server.url, "--user", USER, "--password-env", "FEL_TEST_PW", "-v",
                     "--retries", "0", "type=Job"])
    out, err = capsys.readouterr()
    assert code == 3 and "HTTP 401" in err
    assert _leaks(out + err) == []


def test_a_short_secret_is_blanked_only_as_a_whole_word():
    """With the demo password `demo`, a user called `demox` stays readable in a logon error; the
    password itself is blanked wherever it stands alone (quoted, as a parameter, between words)."""
    from fel.client.errors import forget_secret, redact, register_secret

    register_secret("demo")
    try:
        assert redact("logon refused for user 'demox'") == "logon refused for user 'demox'"
        assert redact("user 'demo' pw=demo&x \"demo\" demo") == \
            "user '<redacted>' pw=<redacted>&x \"<redacted>\" <redacted>"
    finally:
        forget_secret("demo")
    long_secret = "s3cr3t-passw0rd"
    register_secret(long_secret)
    try:
        assert redact(f"x{long_secret}y") == "x<redacted>y"  # long forms: blanked anywhere
    finally:
        forget_secret(long_secret)
