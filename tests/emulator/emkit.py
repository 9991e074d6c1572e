"""Helpers for the emulator tests (imported as ``emkit``; conftest puts this folder on sys.path):
the fixed seed and "now", safe XML parsing, doc example URLs, logon."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import requests
from lxml import etree


NS = "http://www.veeam.com/ent/v1.0"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
SEED = 7
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shared"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def xml(body: bytes) -> etree._Element:
    """Parse an XML body safely (no entities, no DTD, no network)."""
    return etree.fromstring(body, _PARSER)


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def doc_queries() -> list[str]:
    return [line.strip() for line in (FIXTURES / "doc-queries-13.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def api_target(url: str) -> str:
    """The part of a doc URL after ``/api/`` (``query?type=…``)."""
    return url.split("/api/", 1)[1]


def app_token(app) -> str:
    """The session token of a demo logon on an in-process ``EmulatorApp``."""
    r = app.handle("POST", "/api/sessionMngr/?v=latest", {"Authorization": "Basic ZGVtbzpkZW1v"})
    return dict(r.headers)["X-RestSvcSessionId"]


def logon(base: str, auth=("demo", "demo"), **kw) -> requests.Session:
    s = requests.Session()
    r = s.post(base + "sessionMngr/?v=latest", auth=auth, **kw)
    assert r.status_code == 201, r.text
    s.headers["X-RestSvcSessionId"] = r.headers["X-RestSvcSessionId"]
    s.session_id = xml(r.content).findtext(q("SessionId"))  # type: ignore[attr-defined]
    return s


