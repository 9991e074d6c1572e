"""HTTP transport policy: TLS, timeouts, bounded retries, body limits and error mapping.

One :class:`Transport` wraps a :class:`requests.Session`. It

* verifies TLS by default (``verify=False`` warns once per process; ``ca_bundle`` names a
  PEM file of trusted CAs);
* applies a (connect, read) timeout to every socket operation, and an overall ``deadline`` to
  each call — attempts, backoff and the whole body included — so a server trickling its
  answer a byte at a time cannot hold a call for ever (:mod:`fel.client.deadline`);
* retries idempotent requests (GET, HEAD, DELETE, and calls the caller marks idempotent) on
  connection errors, dropped connections, read timeouts and 502/503/504, with exponential
  backoff and jitter, a bounded number of times (``Retry-After`` is honoured up to the cap),
  never past the deadline; each retry is logged at INFO level (``fel run -v`` shows it);
* reads bodies in chunks and stops at ``max_body`` bytes;
* turns every failure into a one-line :mod:`fel.client.errors` exception: refused
  connections, DNS failures, TLS errors, the 9419 port of the VBR REST API, timeouts.

It logs each request as method, URL, status, size and time on the ``fel.client`` logger —
never headers, so never the session token or credentials.
"""
from __future__ import annotations

import logging
import random
import socket
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from .deadline import Watch, install
from .decode import DEFAULT_MAX_BODY
from .errors import BodyTooLarge, ClientError, ConnectFailed, DecodeError, RequestInfo, TimedOut, TlsFailed, redact

__all__ = ["TransportPolicy", "Reply", "Transport", "InsecureConnectionWarning", "VBR_PORT", "port_hint",
           "DEFAULT_DEADLINE"]

log = logging.getLogger("fel.client")

#: The Veeam Backup & Replication REST API port, often mistaken for EM's 9398.
VBR_PORT = 9419
RETRY_STATUSES = frozenset({502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "PUT"})
#: Default overall deadline of one call (seconds): every attempt, backoff and body byte.
DEFAULT_DEADLINE = 300.0
_insecure_warned = False


class InsecureConnectionWarning(UserWarning):
    """TLS certificate verification is switched off."""


@dataclass
class TransportPolicy:
    """How requests are sent. Defaults suit a real EM on a LAN."""

    verify: bool = True
    ca_bundle: str | None = None
    #: (connect, read) seconds.
    timeout: tuple[float, float] = (5.0, 60.0)
    #: extra attempts after the first, for idempotent requests.
    retries: int = 4
    #: of those, at most this many after a refused connection (a server restarting), so that
    #: a wrong address fails fast.
    refused_retries: int = 2
    #: and at most this many after a read timeout: a server that has hung rarely answers the
    #: next attempt, and each one costs the whole read timeout.
    timeout_retries: int = 1
    #: first backoff delay in seconds; doubles each attempt, capped at ``backoff_max``.
    backoff: float = 0.5
    backoff_max: float = 8.0
    #: overall seconds for one call — attempts, backoff and reading the body — after which it
    #: fails with :class:`~fel.client.errors.TimedOut` (None: no deadline, only the timeouts).
    deadline: float | None = DEFAULT_DEADLINE
    max_body: int = DEFAULT_MAX_BODY
    user_agent: str = "fel-client"


@dataclass
class Reply:
    """A response read in full (within the body limit)."""

    status: int
    headers: CaseInsensitiveDict
    body: bytes
    url: str
    request: RequestInfo
    elapsed: float = 0.0

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


def port_hint(url: str) -> str | None:
    """A hint when ``url`` points at the VBR REST API's port instead of EM's."""
    try:
        port = urlsplit(url).port
    except ValueError:
        return None
    if port == VBR_PORT:
        return ("port 9419 is the Veeam Backup & Replication REST API, not Enterprise Manager;"
                " EM's REST API listens on https://<em-host>:9398/api/")
    return None


class Transport:
    """Sends requests under a :class:`TransportPolicy`."""

    def __init__(self, policy: TransportPolicy | None = None, *, sleep: Callable[[float], None] = time.sleep,
                 session: requests.Session | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or TransportPolicy()
        self._sleep = sleep
        self._clock = clock
        self.session = session or requests.Session()
        install(self.session)
        self.session.headers["User-Agent"] = self.policy.user_agent
        self.session.trust_env = True
        self.attempts = 0  # requests sent, retries included (for tests and statistics)
        #: the last call ended in a timeout (the server seems hung): callers skip courtesies
        #: such as a logout that would wait for it again.
        self.hung = False
        if not self.policy.verify and self.policy.ca_bundle is None:
            _warn_insecure()

    @property
    def verify(self) -> bool | str:
        if self.policy.ca_bundle:
            return self.policy.ca_bundle
        return self.policy.verify

    def close(self) -> None:
        self.session.close()

    # ---------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        idempotent: bool | None = None,
    ) -> Reply:
        """Send ``method url`` and read the reply; retry when that is safe, within the deadline."""
        method = method.upper()
        info = RequestInfo.of(method, url, headers)
        retryable = method in IDEMPOTENT if idempotent is None else idempotent
        attempts = 1 + (max(0, self.policy.retries) if retryable else 0)
        deadline = self.policy.deadline
        started = self._clock()
        delay = self.policy.backoff
        refused = timed_out = 0
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            left = None if deadline is None else deadline - (self._clock() - started)
            failed: ClientError | None = None
            try:
                reply = self._send(method, url, headers, auth, info, left)
                self.hung = False
            except (ConnectFailed, TimedOut) as exc:
                self.hung = isinstance(exc, TimedOut)
                kind = getattr(exc, "retryable", None)
                if kind == "refused":
                    refused += 1
                elif kind == "read-timeout":
                    timed_out += 1
                if (last or not kind or (kind == "refused" and refused > self.policy.refused_retries)
                        or (kind == "read-timeout" and timed_out > self.policy.timeout_retries)):
                    raise _gave_up(exc, attempt, self._clock() - started) from None
                failed, what = exc, str(exc)
            else:
                if reply.status not in RETRY_STATUSES or last:
                    return reply
                what = f"{info} answered {reply.status}"
                retry_after = _retry_after(reply.headers.get("Retry-After"))
                if retry_after is not None:
                    delay = max(delay, min(retry_after, self.policy.backoff_max))
            pause = min(delay, self.policy.backoff_max) * (0.5 + random.random() / 2)
            if deadline is not None and self._clock() - started + pause >= deadline:
                # no time left for another attempt: the last answer stands
                if failed is None:
                    log.info("%s; not retrying: the deadline of %g s would pass", what, deadline)
                    return reply
                raise _gave_up(failed, attempt, self._clock() - started, deadline) from None
            log.info("%s; retrying in %.1f s (attempt %d of %d)", what, pause, attempt + 1, attempts)
            self._sleep(pause)
            delay = min(delay * 2, self.policy.backoff_max)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, method: str, url: str, headers: Mapping[str, str] | None, auth: Any, info: RequestInfo,
              left: float | None = None) -> Reply:
        self.attempts += 1
        started = time.monotonic()
        watch = Watch(None if left is None else max(left, 0.0))
        try:
            with watch:
                with warnings.catch_warnings():
                    if not self.policy.verify:
                        warnings.simplefilter("ignore")  # urllib3 warns on every request; we warned once
                    resp = self.session.request(
                        method, url, headers=dict(headers or {}), auth=auth, verify=self.verify,
                        timeout=self._timeout(left), stream=True, allow_redirects=False,
                    )
                watch.add_response(resp)
                try:
                    body = self._read(resp, info, watch)
                finally:
                    resp.close()
        except requests.exceptions.RequestException as exc:
            # a timeout shortened to the time left is the deadline's doing, not the server's
            fired = (self.policy.timeout[0] if isinstance(exc, requests.exceptions.ConnectTimeout)
                     else self.policy.timeout[1] if isinstance(exc, requests.exceptions.Timeout) else None)
            cut = left is not None and fired is not None and left < fired
            if watch.check() or cut:
                raise self._past_deadline(url, info) from None
            raise self._map(exc, url, info) from None
        except OSError as exc:  # e.g. a CA bundle that cannot be read
            if watch.check():
                raise self._past_deadline(url, info) from None
            raise ConnectFailed(f"cannot send the request: {exc}", request=info) from None
        if watch.check():  # the cut may look like a complete body (a close-delimited one)
            raise self._past_deadline(url, info)
        elapsed = time.monotonic() - started
        log.debug("%s -> %d (%d bytes, %.3f s)", info, resp.status_code, len(body), elapsed)
        return Reply(resp.status_code, resp.headers, body, url, info, elapsed)

    def _timeout(self, left: float | None) -> tuple[float, float]:
        """The (connect, read) timeouts, none longer than the time left (at least 10 ms)."""
        connect, read = self.policy.timeout
        if left is None:
            return connect, read
        left = max(left, 0.01)
        return min(connect, left), min(read, left)

    def _past_deadline(self, url: str, info: RequestInfo) -> TimedOut:
        where = urlsplit(url).netloc or url
        return TimedOut(
            f"no complete answer from {where} within the overall deadline of {self.policy.deadline:g} s"
            " (the deadline bounds each call: every attempt, pause and body byte)",
            request=info, hint="raise it with --deadline S (or deadline in the profile, or Client(deadline=...))",
        )

    def _read(self, resp: requests.Response, info: RequestInfo, watch: Watch | None = None) -> bytes:
        limit = self.policy.max_body
        length = resp.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > limit:
            raise BodyTooLarge(f"the response announces {length} bytes, more than the limit of {limit} bytes", request=info)
        buf = bytearray()
        for chunk in resp.iter_content(chunk_size=64 * 1024):
            if watch is not None and watch.check():
                break  # the caller raises TimedOut
            buf += chunk
            if len(buf) > limit:
                raise BodyTooLarge(f"the response exceeds the limit of {limit} bytes", request=info)
        return bytes(buf)

    def _map(self, exc: requests.exceptions.RequestException, url: str, info: RequestInfo) -> Exception:
        """A one-line, typed error for a requests exception."""
        parts = urlsplit(url)
        where = parts.netloc or url
        hint = port_hint(url)
        chain = _chain(exc)
        if isinstance(exc, requests.exceptions.SSLError):
            reason = _ssl_reason(chain)
            low = reason.lower().replace("_", " ")
            if any(w in low for w in ("wrong version number", "record layer failure", "unknown protocol", "http request")):
                return TlsFailed(f"TLS handshake with {where} failed ({reason}): the port does not speak HTTPS",
                                 request=info, hint=hint)
            return TlsFailed(
                f"TLS verification of {where} failed: certificate not trusted ({reason})", request=info,
                hint=hint or "give the server's CA with --ca-bundle FILE (or ca_bundle in the profile);"
                             " --insecure skips verification",
            )
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            err = TimedOut(f"no connection to {where} within {self.policy.timeout[0]:g} s", request=info, hint=hint)
            err.retryable = True  # type: ignore[attr-defined]
            return err
        if isinstance(exc, requests.exceptions.ReadTimeout):
            err = TimedOut(f"{where} did not answer within {self.policy.timeout[1]:g} s", request=info, hint=hint)
            err.retryable = "read-timeout"  # type: ignore[attr-defined]
            return err
        if any(isinstance(c, socket.gaierror) for c in chain) or any(type(c).__name__ == "NameResolutionError" for c in chain):
            return ConnectFailed(f"cannot resolve host {parts.hostname!r}: unknown name or no DNS", request=info)
        if any(isinstance(c, ConnectionRefusedError) for c in chain):
            err = ConnectFailed(
                f"connection refused by {where}", request=info,
                hint=hint or "is Enterprise Manager running there, and is the port right (EM listens on 9398)?",
            )
            err.retryable = "refused"  # type: ignore[attr-defined]
            return err
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            return DecodeError(f"the response body from {where} could not be decompressed"
                               f" (its Content-Encoding lies or the data is corrupt): {_short(chain)}", request=info)
        if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            err = ConnectFailed(f"the connection to {where} failed or dropped: {_short(chain)}", request=info, hint=hint)
            err.retryable = True  # type: ignore[attr-defined]
            return err
        if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                            requests.exceptions.InvalidSchema)):
            return ConnectFailed(f"invalid URL {redact(url)!r}: {exc}", request=info)
        return ConnectFailed(f"request to {where} failed: {_short(chain)}", request=info, hint=hint)


def _warn_insecure() -> None:
    global _insecure_warned
    if not _insecure_warned:
        _insecure_warned = True
        warnings.warn(
            "TLS certificate verification is off (--insecure): the connection can be intercepted",
            InsecureConnectionWarning, stacklevel=3,
        )


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        out.append(e)
        stack.extend([e.__cause__, e.__context__])
        for arg in getattr(e, "args", ()):
            if isinstance(arg, BaseException):
                stack.append(arg)
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return out


def _ssl_reason(chain: list[BaseException]) -> str:
    import ssl

    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            return e.verify_message or str(e)
    for e in chain:
        if isinstance(e, ssl.SSLError):
            return e.reason or str(e)
    return _short(chain)


def _short(chain: list[BaseException]) -> str:
    """The innermost readable reason of an exception chain, on one line."""
    for e in reversed(chain):
        text = str(e).strip()
        if text:
            text = text.split("\n", 1)[0]
            if "(Caused by" in text:
                text = text.split("(Caused by", 1)[0].strip()
            return redact(text[:200])
    return type(chain[0]).__name__


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _gave_up(exc: ClientError, attempts: int, elapsed: float, deadline: float | None = None) -> ClientError:
    """``exc`` with how many attempts were made (when more than one) and why they stopped."""
    if attempts > 1 or deadline is not None:
        why = f"; the next would pass the deadline of {deadline:g} s" if deadline is not None else ""
        exc.message = f"{exc.message} (gave up after {attempts} attempt{'s' if attempts > 1 else ''}" \
                      f" in {elapsed:.1f} s{why})"
        exc.args = (exc.message,)
    return exc
