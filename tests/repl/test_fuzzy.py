"""Fuzzy matching: match classes and ranking."""
from __future__ import annotations

import pytest

from fel.repl.fuzzy import INITIALS, PREFIX, SUBSEQUENCE, SUBSTRING, initials, rank, score


@pytest.mark.parametrize("word, humps", [
    ("BackupJobSession", "BJS"), ("vAppRestorePoint", "vARP"), ("urn:veeam:Job:", "uvJ"),
    ("IsRetry", "IR"), ("UID", "U"), ("now-24h", "n"), ("CreationTimeUTC", "CTU"),
])
def test_initials(word, humps):
    assert initials(word) == humps


@pytest.mark.parametrize("prefix, cand, cls", [
    ("", "Anything", PREFIX), ("back", "BackupJobSession", PREFIX), ("bjs", "BackupJobSession", INITIALS),
    ("jobsess", "BackupJobSession", SUBSTRING), ("bkjs", "BackupJobSession", SUBSEQUENCE),
    ("xyz", "BackupJobSession", None), ("j", "BackupJobSession", None),
    ("jbsn", "JobSession", SUBSEQUENCE), ("cre", "BackupServerUid", None),   # scattered: must start a word
])
def test_score_classes(prefix, cand, cls):
    s = score(prefix, cand)
    assert (s[0] if s else None) == cls


def test_rank_is_stable_and_ordered():
    names = ["JobName", "Name", "NextRun", "BackupServerName"]
    assert [names[i] for i in rank("n", names)] == ["Name", "NextRun"]
    assert [names[i] for i in rank("na", names)] == ["Name", "JobName", "BackupServerName"]
    assert [names[i] for i in rank("", names)] == names


def test_strict_mode_only_prefix_and_initials():
    assert score("rd", "order by", loose=False) is None
    assert score("or", "order by", loose=False) == (PREFIX, 0)
