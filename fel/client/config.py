"""Profiles and credentials.

The config file is ``$XDG_CONFIG_HOME/fel/config.toml`` (``~/.config/fel/config.toml`` when
``XDG_CONFIG_HOME`` is unset; ``$FEL_CONFIG`` or ``--config`` name another file). It holds
named profiles and never a password::

    default_profile = "prod"

    [profiles.prod]
    url = "https://em.example.com:9398/api/"
    user = 'CORP\\svc_reports'
    password_env = "FEL_PROD_PASSWORD"   # the variable that holds the password
    verify = true                        # TLS verification (default true)
    ca_bundle = "~/certs/corp-ca.pem"    # PEM file of CAs to trust
    output = "table"                     # fel run's default --output
    format = "Entities"                  # EM format when the query names none
    wire = "xml"                         # xml or json on the wire
    timeout = [5, 60]                    # connect, read seconds
    retries = 4                          # retries of a failed idempotent request
    deadline = 300                       # overall seconds per request, retries included (0: none)

Passwords come from, in order: an environment variable named by the user
(``--password-env VAR`` or the profile's ``password_env``), the system keyring when the
``keyring`` package is installed (service ``fel:<api url>``, user name as in the profile),
then an interactive prompt (getpass) when there is a terminal. Never from argv or the file,
never written, never printed.
"""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .errors import ConfigError, register_secret

__all__ = ["Profile", "Config", "config_path", "load_config", "load_profile", "select_profiles", "is_pattern",
           "resolve_password", "keyring_service", "OUTPUTS", "WIRES"]

log = logging.getLogger("fel.client")

OUTPUTS = ("table", "json", "jsonl", "csv")
WIRES = ("xml", "json")
_KEYS = {"url", "user", "password_env", "verify", "ca_bundle", "output", "format", "wire", "timeout",
         "retries", "deadline"}


@dataclass
class Profile:
    """Connection settings; every value may be None (unset)."""

    name: str | None = None
    url: str | None = None
    user: str | None = None
    password_env: str | None = None
    verify: bool = True
    ca_bundle: str | None = None
    output: str | None = None
    format: str | None = None
    wire: str | None = None
    timeout: tuple[float, float] | None = None
    retries: int | None = None
    #: overall seconds per request (0: none; None: the default, 300)
    deadline: float | None = None


@dataclass
class Config:
    path: Path
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    exists: bool = False



def _seconds(value: Any) -> bool:
    """Whether ``value`` is a finite number of seconds above 0 (TOML also writes inf and nan)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < float("inf")

def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the config file is looked for."""
    env = os.environ if env is None else env
    if env.get("FEL_CONFIG"):
        return Path(env["FEL_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or os.path.join(env.get("HOME") or str(Path.home()), ".config")
    return Path(base).expanduser() / "fel" / "config.toml"


def _toml_loads(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: the same parser, from the `tomli` dependency
        import tomli as tomllib
    return tomllib.loads(text)


def load_config(path: Path | str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The config file parsed and checked; a missing file is an empty config."""
    p = Path(path).expanduser() if path is not None else config_path(env)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        if path is not None:
            raise ConfigError(f"config file {p} does not exist") from None
        return Config(p)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {p}: {exc.strerror or exc}") from None
    try:
        data = _toml_loads(text)
    except ConfigError:
        raise
    except Exception as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    unknown = set(data) - {"default_profile", "profiles"}
    if unknown:
        raise ConfigError(f"{p}: unknown top-level key(s) {', '.join(sorted(unknown))}"
                          " (expected default_profile and [profiles.NAME] tables)")
    profiles_raw = data.get("profiles", {})
    if not isinstance(profiles_raw, dict):
        raise ConfigError(f"{p}: 'profiles' must be a table of [profiles.NAME] tables")
    profiles = {name: _profile(p, name, body) for name, body in profiles_raw.items()}
    default = data.get("default_profile")
    if default is not None and (not isinstance(default, str) or default not in profiles):
        raise ConfigError(f"{p}: default_profile {default!r} is not one of the profiles ({', '.join(profiles) or 'none'})")
    return Config(p, default, profiles, exists=True)


def _profile(path: Path, name: str, body: Any) -> Profile:
    where = f"{path}: [profiles.{name}]"
    if not isinstance(body, dict):
        raise ConfigError(f"{where} must be a table")
    if "password" in body:
        raise ConfigError(f"{where}: passwords are never read from the config file;"
                          " use password_env = \"VAR\" or the system keyring")
    unknown = set(body) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")

    def string(key: str) -> str | None:
        v = body.get(key)
        if v is not None and not isinstance(v, str):
            raise ConfigError(f"{where}: {key} must be a string")
        return v

    verify = body.get("verify", True)
    if not isinstance(verify, bool):
        raise ConfigError(f"{where}: verify must be true or false")
    output = string("output")
    if output is not None and output not in OUTPUTS:
        raise ConfigError(f"{where}: output must be one of {', '.join(OUTPUTS)}")
    wire = string("wire")
    if wire is not None and wire not in WIRES:
        raise ConfigError(f"{where}: wire must be xml or json")
    fmt = string("format")
    if fmt is not None and fmt.lower() not in ("entities", "references"):
        raise ConfigError(f"{where}: format must be Entities or References")
    timeout = body.get("timeout")
    if timeout is not None:
        if _seconds(timeout):
            timeout = (float(timeout), float(timeout))
        elif isinstance(timeout, list) and len(timeout) == 2 and all(_seconds(t) for t in timeout):
            timeout = (float(timeout[0]), float(timeout[1]))
        else:
            raise ConfigError(f"{where}: timeout must be seconds or [connect, read] seconds, each a finite number above 0")
    retries = body.get("retries")
    if retries is not None and (not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 100):
        raise ConfigError(f"{where}: retries must be a whole number from 0 to 100")
    deadline = body.get("deadline")
    if deadline is not None:
        if not isinstance(deadline, (int, float)) or isinstance(deadline, bool) or not 0 <= deadline < float("inf"):
            raise ConfigError(f"{where}: deadline must be seconds >= 0 (0: no deadline)")
        deadline = float(deadline)
    ca = string("ca_bundle")
    return Profile(name, string("url"), string("user"), string("password_env"), verify,
                   str(Path(ca).expanduser()) if ca else None, output, fmt, wire, timeout,
                   retries=retries, deadline=deadline)


def load_profile(name: str | None = None, *, path: Path | str | None = None,
                 env: Mapping[str, str] | None = None) -> Profile:
    """Profile ``name`` (or ``$FEL_PROFILE``, or the file's default_profile); an empty
    profile when no name applies and the file names no default."""
    env = os.environ if env is None else env
    config = load_config(path, env)
    chosen = name or env.get("FEL_PROFILE") or config.default_profile
    if chosen is None:
        return Profile()
    if chosen not in config.profiles:
        where = f"in {config.path}" if config.exists else f"(no config file at {config.path})"
        known = f"; known: {', '.join(sorted(config.profiles))}" if config.profiles else ""
        raise ConfigError(f"no profile {chosen!r} {where}{known}")
    return config.profiles[chosen]


def is_pattern(text: str) -> bool:
    """Whether a ``--profile`` value is a glob pattern (``*``, ``?`` or ``[...]``)."""
    return any(ch in text for ch in "*?[")


def select_profiles(patterns: Sequence[str] = (), *, all_profiles: bool = False, path: Path | str | None = None,
                    env: Mapping[str, str] | None = None) -> list[Profile]:
    """The profiles named by ``patterns`` (exact names or shell-style globs over profile names,
    matched case-sensitively), or every profile with ``all_profiles``; in the order of the
    patterns, then of the config file, each profile once. A pattern that matches nothing, or
    an empty selection, is a :class:`ConfigError`."""
    import fnmatch

    config = load_config(path, env)
    where = f"in {config.path}" if config.exists else f"(no config file at {config.path})"
    names = list(config.profiles)
    known = f"; known: {', '.join(sorted(names))}" if names else ""
    chosen: list[str] = []
    if all_profiles:
        if not names:
            raise ConfigError(f"no profiles {where}: --all-profiles needs [profiles.NAME] tables")
        chosen = list(names)
    for pattern in patterns:
        if is_pattern(pattern):
            matched = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
        else:
            matched = [pattern] if pattern in config.profiles else []
        if not matched:
            what = "matches" if is_pattern(pattern) else "is named"
            raise ConfigError(f"no profile {what} {pattern!r} {where}{known}")
        chosen.extend(n for n in matched if n not in chosen)
    if not chosen:
        raise ConfigError("no profiles selected: give --profile NAME (globs such as 'eu-*' work) or --all-profiles")
    return [config.profiles[n] for n in chosen]


def keyring_service(base_url: str) -> str:
    return f"fel:{base_url}"


def _keyring_password(base_url: str, user: str) -> str | None:
    try:
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return keyring.get_password(keyring_service(base_url), user)
    except Exception as exc:  # noqa: BLE001 - any backend failure means "no keyring password"
        log.debug("keyring lookup failed: %s", type(exc).__name__)
        return None


def resolve_password(
    *,
    user: str,
    base_url: str,
    password_env: str | None,
    env: Mapping[str, str] | None = None,
    interactive: bool | None = None,
    prompt: Callable[[str], str] | None = None,
    keyring_lookup: Callable[[str, str], str | None] = _keyring_password,
) -> str:
    """The password for ``user`` from the sources described in the module docstring."""
    env = os.environ if env is None else env
    if password_env:
        value = env.get(password_env)
        if not value:
            raise ConfigError(f"environment variable {password_env} (named as the password source) is not set or empty")
        register_secret(value)
        return value
    value = keyring_lookup(base_url, user)
    if value:
        register_secret(value)
        return value
    if interactive is None:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    if not interactive:
        raise ConfigError("no password: name an environment variable with --password-env VAR"
                          " (or password_env in the profile), store it in the keyring, or run interactively")
    if prompt is None:
        import getpass

        prompt = getpass.getpass
    try:
        value = prompt(f"Password for {user} at {base_url}: ")
    except EOFError:
        raise ConfigError("no password entered") from None
    if not value:
        raise ConfigError("no password entered")
    register_secret(value)
    return value
