"""Logon, token, cookies, re-logon, logout and error mapping against a minimal EM."""
from __future__ import annotations

import pytest

from fel.client import Client
from fel.client.errors import ApiError, AuthFailed, ConfigError, Forbidden, QueryRejected, WrongService
from fel.client.session import normalize_base

from client_kit import MiniEM, Resp, error_json, error_xml


def client_for(server, em: MiniEM, **kw) -> Client:
    return Client(server.url, em.user, em.password, sleep=lambda s: None, **kw)


@pytest.mark.parametrize("header", ["X-RestSvcSessionId", "x-restsvcsessionid", "X-RESTSVCSESSIONID"])
def test_logon_reads_the_token_header_in_any_case_and_sends_it_on_every_call(serve, header):
    em = MiniEM(header_case=header)
    server = serve(em)
    with client_for(server, em) as c:
        entities = list(c.query("type=BackupJobSession&format=Entities", all=True))
        assert len(entities) == em.items
        token = c._token
    calls = [r for r in server.requests if r.route != "/api/sessionMngr/"]
    assert calls and all(r.headers.get("X-RestSvcSessionId") == token for r in calls)
    assert em.logons == 1


def test_logout_deletes_the_session_id_from_the_body_not_the_token(serve):
    em = MiniEM()
    server = serve(em)
    c = client_for(server, em)
    info = c.logon()
    token = c._token
    c.close()
    assert em.logouts == [info.session_id]
    assert info.session_id != token and len(info.session_id) == 36
    assert not c.logged_on and em.tokens == {}


def test_the_session_id_never_reaches_the_log(serve, caplog):
    # servers accept base64(SessionId) as the token: the id is a secret like the token itself
    import logging

    em = MiniEM()
    server = serve(em)
    c = client_for(server, em)
    with caplog.at_level(logging.DEBUG, logger="fel.client"):
        info = c.logon()
        c.close()
    assert em.logouts == [info.session_id]
    text = caplog.text
    assert "logonSessions/<redacted>" in text or "logged out" in text
    assert info.session_id not in text


def test_context_manager_logs_out_even_when_the_body_raises(serve):
    em = MiniEM()
    server = serve(em)
    with pytest.raises(RuntimeError):
        with client_for(server, em) as c:
            c.logon()
            raise RuntimeError("boom")
    assert len(em.logouts) == 1


def test_expired_session_is_renewed_once_transparently(serve):
    em = MiniEM(items=10, page_size=2, expire_after=2)
    server = serve(em)
    with client_for(server, em) as c:
        names = [e.name for e in c.query("type=BackupJobSession&format=Entities", all=True)]
    assert names == [f"Job {i}@2025-01-01" for i in range(10)]
    assert em.logons >= 3  # five pages, two calls per token


def test_stale_cookie_is_dropped_before_logging_on_again(serve):
    # EM lets a cookie win over the header: a client that kept the first session's cookie
    # would present the dead token forever after the re-logon.
    em = MiniEM(items=6, page_size=2, cookie=True, expire_after=1)
    server = serve(em)
    with client_for(server, em) as c:
        assert len(list(c.query("type=BackupJobSession&format=Entities", all=True))) == 6
    assert em.logons >= 3


def test_a_second_401_after_relogon_is_an_auth_error(serve):
    em = MiniEM(expire_after=0)
    server = serve(em)
    with client_for(server, em) as c:
        with pytest.raises(AuthFailed) as info:
            list(c.query("type=BackupJobSession"))
    assert info.value.status == 401 and "fresh session" in str(info.value)
    assert em.logons == 2


def test_bad_credentials(serve):
    em = MiniEM()
    server = serve(em)
    with Client(server.url, "alice", "wrong-password-1", sleep=lambda s: None) as c:
        with pytest.raises(AuthFailed) as info:
            c.logon()
    text = str(info.value)
    assert "logon refused for user 'alice'" in text and "wrong-password-1" not in text
    assert info.value.exit_code == 3


def test_password_callable_is_asked_once_and_only_when_needed(serve):
    em = MiniEM()
    server = serve(em)
    asked: list[int] = []

    def password() -> str:
        asked.append(1)
        return em.password

    c = Client(server.url, em.user, password)
    assert asked == []
    c.logon()
    c.logout()
    c.logon()
    c.close()
    assert asked == [1]


@pytest.mark.parametrize("status, body, ctype, cls, words", [
    (403, error_xml("Access denied", 403), "application/xml", Forbidden, ["Access denied", "role"]),
    (400, error_json("Query parameter filter is invalid", 400), "application/json", QueryRejected,
     ["HTTP 400", "filter is invalid"]),
    (500, error_xml("Object reference not set to an instance of an object.", 500), "application/xml", ApiError,
     ["HTTP 500", "Object reference"]),
    (404, b"<html>nope</html>", "text/html", ApiError, ["HTTP 404", "Not Found", "not XML or JSON"]),
])
def test_error_bodies_become_typed_errors(serve, status, body, ctype, cls, words):
    em = MiniEM()

    def app(req):
        if req.route == "/api/query":
            return Resp(status, body, content_type=ctype)
        return em(req)

    server = serve(app)
    with client_for(server, em) as c:
        with pytest.raises(cls) as info:
            list(c.query("type=BackupJobSession"))
        token = c._token
    err = info.value
    assert type(err) is cls and err.status == status
    for w in words:
        assert w in str(err)
    assert err.request is not None and err.request.method == "GET" and "/api/query?" in err.request.url
    assert err.request.headers["X-RestSvcSessionId"] == "<redacted>"
    assert token not in str(err) and token not in repr(err.request)


def test_a_logon_without_token_header_is_not_em(serve):
    server = serve(lambda req: Resp(201, b"<LogonSession xmlns='http://www.veeam.com/ent/v1.0'/>"))
    with pytest.raises(WrongService, match="without an X-RestSvcSessionId header"):
        Client(server.url, "a", "bbbb").logon()


@pytest.mark.parametrize("status", [404, 405, 302])
def test_a_missing_logon_endpoint_is_a_wrong_service(serve, status):
    server = serve(lambda req: Resp(status, b"", [("Location", "/elsewhere")], content_type=None))
    with pytest.raises(WrongService, match=f"no Enterprise Manager logon at .*HTTP {status}"):
        Client(server.url, "a", "bbbb").logon()


def test_next_links_naming_another_host_are_fetched_from_our_server(serve):
    em = MiniEM(items=5, page_size=2, next_host="https://evil.example:9398")
    server = serve(em)
    with client_for(server, em) as c:
        assert len(list(c.query("type=BackupJobSession", all=True))) == 5
    assert all(r.headers.get("Host", "").startswith("127.0.0.1") for r in server.requests)


def test_get_decodes_single_resources_and_rebases_hrefs(serve):
    em = MiniEM()
    entity = (b"<BackupJobSession xmlns='http://www.veeam.com/ent/v1.0' Type='BackupJobSession' UID='urn:veeam:BackupJobSession:1'"
              b" Href='https://other:9398/api/backupSessions/1?format=Entity' Name='x'><Result>Failed</Result></BackupJobSession>")

    def app(req):
        if req.route == "/api/backupSessions/1":
            return Resp(200, entity)
        return em(req)

    server = serve(app)
    with client_for(server, em) as c:
        e = c.get("https://other:9398/api/backupSessions/1?format=Entity")
        assert e.type == "BackupJobSession" and e["Result"] == "Failed"
        page = c.get("query?type=BackupJobSession&format=Entities&pageSize=2")
        assert len(page.entities) == 2


@pytest.mark.parametrize("given, expected", [
    ("em.example.com", "https://em.example.com:9398/api/"),
    ("https://em:9398", "https://em:9398/api/"),
    ("https://em:9398/api", "https://em:9398/api/"),
    ("https://em:9398/api/query?type=Job", "https://em:9398/api/"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/"),
    ("https://proxy/em/api/", "https://proxy/em/api/"),
])
def test_normalize_base(given, expected):
    assert normalize_base(given) == expected


@pytest.mark.parametrize("bad", ["", "ftp://x", "https://", "https://h:99999"])
def test_normalize_base_rejects(bad):
    with pytest.raises(ConfigError):
        normalize_base(bad)


def test_repr_shows_no_password():
    c = Client("https://em:9398", "bob", "hunter2-secret")
    assert "hunter2" not in repr(c) and "bob" in repr(c)


def test_registered_secrets_are_blanked_in_every_form():
    from fel.client.errors import RequestInfo, register_secret

    secret = "p@ss w+rd/=9"
    register_secret(secret)
    err = ApiError(400, f"echo {secret} | p%40ss%20w%2Brd%2F%3D9 | p%40ss+w%2Brd%2F%3D9",
                   request=RequestInfo.of("GET", f"https://em/api/x?q={secret}", {"X-Other": secret,
                                                                                  "X-RestSvcSessionId": "tok"}))
    text = f"{err} {err.request!r}"
    assert "p@ss" not in text and "p%40ss" not in text and text.count("<redacted>") == 7
