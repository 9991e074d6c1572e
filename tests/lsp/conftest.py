from __future__ import annotations

import pathlib

import pytest

SAMPLES = pathlib.Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path):
    """Tests must not pick up a pyproject.toml from above the checkout."""
    monkeypatch.chdir(tmp_path)
