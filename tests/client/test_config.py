"""Config file, profiles and password sources."""
from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from fel.client.config import Profile, config_path, load_config, load_profile, resolve_password
from fel.client.errors import ConfigError

GOOD = """\
default_profile = "prod"

[profiles.prod]
url = "https://em.example.com:9398/api/"
user = 'CORP\\svc_reports'
password_env = "FEL_PROD_PASSWORD"
verify = true
ca_bundle = "~/certs/corp-ca.pem"
output = "jsonl"
format = "Entities"
wire = "json"
timeout = [3, 30]

[profiles.lab]
url = "https://lab:9398"
user = "admin"
verify = false
timeout = 10
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "fel" / "config.toml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_config_path_follows_xdg(tmp_path):
    assert config_path({"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}) == Path("/x/cfg/fel/config.toml")
    assert config_path({"HOME": "/home/u"}) == Path("/home/u/.config/fel/config.toml")
    assert config_path({"FEL_CONFIG": "/etc/fel.toml", "XDG_CONFIG_HOME": "/x"}) == Path("/etc/fel.toml")


def test_profiles_are_read_and_typed(tmp_path):
    write(tmp_path, GOOD)
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    prod = load_profile(env=env)
    assert prod == Profile("prod", "https://em.example.com:9398/api/", "CORP\\svc_reports", "FEL_PROD_PASSWORD", True,
                           str(Path("~/certs/corp-ca.pem").expanduser()), "jsonl", "Entities", "json", (3.0, 30.0))
    lab = load_profile("lab", env=env)
    assert lab.verify is False and lab.timeout == (10.0, 10.0) and lab.output is None
    assert load_profile(env={**env, "FEL_PROFILE": "lab"}).name == "lab"


def test_no_file_means_an_empty_profile(tmp_path):
    assert load_profile(env={"XDG_CONFIG_HOME": str(tmp_path)}) == Profile()


@pytest.mark.parametrize("text, words", [
    ("[profiles.a]\npassword = 'x'\n", "passwords are never read from the config file"),
    ("[profiles.a]\nurll = 'x'\n", "unknown key(s) urll"),
    ("[profiles.a]\nverify = 'yes'\n", "verify must be true or false"),
    ("[profiles.a]\noutput = 'xml'\n", "output must be one of table, json, jsonl, csv"),
    ("[profiles.a]\ntimeout = [1]\n", "timeout must be seconds"),
    ("default_profile = 'b'\n[profiles.a]\n", "default_profile 'b' is not one of the profiles (a)"),
    ("profile = 1\n", "unknown top-level key(s) profile"),
    ("[profiles.a\n", "not valid TOML"),
])
def test_bad_config_files_name_the_problem(tmp_path, text, words):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert words in str(info.value) and str(p) in str(info.value)
    assert info.value.exit_code == 2


def test_unknown_profile(tmp_path):
    write(tmp_path, GOOD)
    with pytest.raises(ConfigError, match="no profile 'qa' in .*known: lab, prod"):
        load_profile("qa", env={"XDG_CONFIG_HOME": str(tmp_path)})


# -- passwords -------------------------------------------------------------------------------
def never_keyring(base: str, user: str) -> None:
    return None


def test_password_from_the_named_environment_variable():
    assert resolve_password(user="u", base_url="b", password_env="PW", env={"PW": "from-env"},
                            keyring_lookup=lambda b, u: "from-keyring") == "from-env"


def test_a_named_but_unset_variable_is_an_error():
    with pytest.raises(ConfigError, match="environment variable PW .* is not set"):
        resolve_password(user="u", base_url="b", password_env="PW", env={})


def test_keyring_comes_before_the_prompt():
    asked = []
    got = resolve_password(user="u", base_url="https://em:9398/api/", password_env=None, env={},
                           keyring_lookup=lambda b, u: f"kr:{b}:{u}", interactive=True, prompt=asked.append)
    assert got == "kr:https://em:9398/api/:u" and asked == []


def test_prompt_when_interactive_and_nothing_else():
    prompts = []

    def prompt(text: str) -> str:
        prompts.append(text)
        return "typed"

    assert resolve_password(user="bob", base_url="https://em:9398/api/", password_env=None, env={},
                            keyring_lookup=never_keyring, interactive=True, prompt=prompt) == "typed"
    assert prompts == ["Password for bob at https://em:9398/api/: "]


def test_no_source_without_a_terminal_is_a_config_error():
    with pytest.raises(ConfigError, match="--password-env VAR"):
        resolve_password(user="u", base_url="b", password_env=None, env={}, keyring_lookup=never_keyring,
                         interactive=False)


def test_the_real_keyring_lookup_is_lazy_and_optional(monkeypatch):
    from fel.client import config

    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: f"{service}|{user}"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    assert config._keyring_password("https://em:9398/api/", "u") == "fel:https://em:9398/api/|u"

    def broken(service, user):
        raise RuntimeError("no backend")

    fake.get_password = broken  # type: ignore[attr-defined]
    assert config._keyring_password("https://em:9398/api/", "u") is None
    monkeypatch.setitem(sys.modules, "keyring", None)  # not installed
    assert config._keyring_password("https://em:9398/api/", "u") is None
