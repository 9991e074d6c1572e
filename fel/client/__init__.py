"""The live client: run queries against Enterprise Manager and get entities back.

::

    from fel.client import Client
    with Client("https://em:9398/api/", "DOMAIN\\\\user", password=...) as em:
        for entity in em.query("Job where JobType == Backup", all=True):
            print(entity.name, entity.get("Platform"))

Names are loaded lazily: ``fel.client.decode`` (offline decoding) does not import requests.

=====================  ===========================================================
``Client``             session, queries, paging (:mod:`fel.client.session`)
``Entity``, ``Link``   the entity model (:mod:`fel.client.entity`)
``Page``               one decoded QueryResult (:mod:`fel.client.decode`)
``ResultStream``       the paging iterator (:mod:`fel.client.paging`)
``load_profile``       profiles from the config file (:mod:`fel.client.config`)
``Fleet``              one query across many servers (:mod:`fel.client.fleet`)
errors                 :mod:`fel.client.errors` (``ClientError`` and subclasses)
=====================  ===========================================================
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr as _lazy_getattr

_LAZY = {
    "Client": "session", "normalize_base": "session",
    "Entity": "entity", "Link": "entity",
    "Page": "decode", "decode_page": "decode", "decode_document": "decode",
    "ResultStream": "paging", "TruncatedResultWarning": "paging", "PageLimitWarning": "paging",
    "Fleet": "fleet", "Server": "fleet", "Row": "fanout", "ServerFailure": "fanout", "ServerResult": "fanout",
    "FleetResult": "fanout", "select_profiles": "config",
    "Profile": "config", "load_profile": "config", "load_config": "config", "config_path": "config",
    "TransportPolicy": "transport", "InsecureConnectionWarning": "transport",
    "ClientError": "errors", "ConfigError": "errors", "ConnectFailed": "errors", "TlsFailed": "errors",
    "TimedOut": "errors", "WrongService": "errors", "AuthFailed": "errors", "Forbidden": "errors",
    "ApiError": "errors", "QueryRejected": "errors", "DecodeError": "errors", "BodyTooLarge": "errors",
    "UnexpectedContentType": "errors", "HostileBody": "errors",
}

# Spelled out (not computed from _LAZY) so that type checkers see the names as explicit exports.
__all__ = [
    "ApiError", "AuthFailed", "BodyTooLarge", "Client", "ClientError", "ConfigError", "ConnectFailed", "DecodeError",
    "Entity", "Forbidden", "HostileBody", "InsecureConnectionWarning", "Link", "Page", "Profile", "QueryRejected",
    "PageLimitWarning", "ResultStream", "TimedOut", "TlsFailed", "TransportPolicy", "TruncatedResultWarning", "UnexpectedContentType",
    "WrongService", "config_path", "decode_document", "decode_page", "load_config", "load_profile", "normalize_base",
    "Fleet", "FleetResult", "Row", "Server", "ServerFailure", "ServerResult", "select_profiles",
]

if TYPE_CHECKING:  # pragma: no cover
    from .config import Profile, config_path, load_config, load_profile, select_profiles
    from .decode import Page, decode_document, decode_page
    from .entity import Entity, Link
    from .fanout import FleetResult, Row, ServerFailure, ServerResult
    from .fleet import Fleet, Server
    from .errors import (ApiError, AuthFailed, BodyTooLarge, ClientError, ConfigError, ConnectFailed, DecodeError,
                         Forbidden, HostileBody, QueryRejected, TimedOut, TlsFailed, UnexpectedContentType,
                         WrongService)
    from .paging import PageLimitWarning, ResultStream, TruncatedResultWarning
    from .session import Client, normalize_base
    from .transport import InsecureConnectionWarning, TransportPolicy


__getattr__ = _lazy_getattr(__name__, _LAZY, globals(), "fel.client.")


def __dir__() -> list[str]:
    return __all__
