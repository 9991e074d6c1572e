"""The emulator's dataset: a deterministic Veeam estate for all 48 query types.

``Dataset(seed=…, scale=…, now=…)`` describes a realistic estate — backup servers, their
repositories and managed servers, jobs and the VMs in them, weeks of job sessions with task
sessions, backups with restore points and files, replicas, CDP, Cloud Connect, NAS, agents …
Entities are generated lazily, one *family* of related types at a time, each family from its
own random stream (``seed`` + family name), so what a type contains never depends on which
type was asked for first. Times are UTC and relative to ``now`` (plus a few records pinned at
the dates of Veeam's doc examples). ``scale`` multiplies the number of jobs (and so sessions);
the default (1) gives four backup servers, ~60 jobs and a few thousand job sessions.
"""
from __future__ import annotations

import re
import threading
from datetime import datetime, timezone
from typing import Any

from ..schema import load_schema
from .builder import BUILDERS, FAMILIES, FOLLOWS, Builder
from .links import DownLink, down_link
from .model import Entity

__all__ = ["Dataset", "Builder", "FAMILIES"]


def _default_now() -> datetime:
    return datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)


class Dataset:
    """All entities, generated on first use. Thread-safe."""

    def __init__(self, *, seed: int = 1, scale: float = 1.0, now: datetime | None = None) -> None:
        if scale <= 0:
            raise ValueError("scale must be above 0")
        self.seed = seed
        self.scale = scale
        now = now or _default_now()
        self.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        self.now = self.now.astimezone(timezone.utc)
        self._by_type: dict[str, list[Entity]] = {}
        self._by_path: dict[str, dict[str, Entity]] = {}
        self._built: set[str] = set()
        #: Families built together with their followers (``FOLLOWS``): safe to read unlocked.
        self._ready: set[str] = set()
        self._lock = threading.RLock()
        #: Side information shared between families (job plans, VM lists …).
        self.plans: dict[str, Any] = {}
        self._children: dict[tuple[str, str], dict[int, list[Entity]]] = {}
        schema = load_schema()
        self._routes: list[tuple[re.Pattern[str], str]] = []
        for t in schema:
            coll = t.collection_resource or "/" + t.name
            pattern = re.escape(coll).replace(re.escape("{ID}"), "[^/]+") + "/[^/]+"
            self._routes.append((re.compile(pattern + "$", re.IGNORECASE), t.name))
        self._collections = {(t.collection_resource or "").lower(): t.name for t in schema
                             if t.collection_resource and "{ID}" not in t.collection_resource}

    # ---- building --------------------------------------------------------------------------
    def _add(self, ent: Entity) -> None:
        self._by_type.setdefault(ent.type, []).append(ent)
        self._by_path.setdefault(ent.type, {})[ent.path.lower()] = ent

    def ensure(self, type_name: str) -> None:
        fam = FAMILIES.get(type_name)
        if fam is None or fam in self._ready:
            return
        with self._lock:
            if fam in self._built:  # built, or being built or completed by this thread
                return
            _load_generators()
            # marked first: a family it needs may list it as a follower ("points" asks for the
            # sessions, whose follower is "points") and must not build it a second time
            self._built.add(fam)
            try:
                BUILDERS[fam](Builder(self, fam))
            except BaseException:
                self._built.discard(fam)
                raise
            for follower in FOLLOWS.get(fam, ()):
                self.ensure(follower)
            self._ready.add(fam)

    def entities(self, type_name: str) -> list[Entity]:
        """Every entity of a query type (canonical name), in generation order. Read-only."""
        _load_generators()
        self.ensure(type_name)
        return self._by_type.get(type_name, [])

    def build_all(self) -> None:
        _load_generators()
        for t in load_schema():
            self.ensure(t.name)

    def count(self, type_name: str) -> int:
        return len(self.entities(type_name))

    # ---- lookups ---------------------------------------------------------------------------
    def get(self, path: str) -> Entity | None:
        """The entity whose resource path is ``path`` (``/backupSessions/<id>``), or None."""
        for pattern, type_name in self._routes:
            if pattern.match(path):
                self.entities(type_name)
                found = self._by_path.get(type_name, {}).get(path.lower())
                if found is not None:
                    return found
        return None

    def children(self, parent: Entity, child_type: str) -> list[Entity]:
        """Entities of ``child_type`` that link to ``parent``."""
        key = (parent.type, child_type)
        index = self._children.get(key)
        if index is None:
            with self._lock:
                index = {}
                for ent in self.entities(child_type):
                    for lk in ent.links:
                        if lk.target.type == parent.type:
                            index.setdefault(id(lk.target), []).append(ent)
                self._children[key] = index
        return index.get(id(parent), [])

    def members(self, parent: Entity, dl: DownLink) -> list[Entity]:
        """The entities in the list ``dl`` of ``parent`` (see :mod:`fel.emulator.links`)."""
        if dl.child is None or load_schema().type(dl.child) is None:
            return []
        if dl.sibling:
            server = parent.parent("BackupServer")
            return [] if server is None else self.children(server, dl.child)
        if dl.bridge:
            seen: dict[int, Entity] = {}
            for bridge_type in dl.bridge:
                for b in self.children(parent, bridge_type):
                    for lk in b.links:
                        if lk.target.type == dl.child:
                            seen.setdefault(id(lk.target), lk.target)
            return list(seen.values())
        return self.children(parent, dl.child)

    def resolve(self, path: str) -> tuple[str, Any] | None:
        """What a GET on ``path`` (below ``/api``) shows: ``("entity", Entity)``,
        ``("list", (parent, DownLink))`` or ``("collection", type_name)``; None if nothing."""
        path = path.rstrip("/") or "/"
        coll = self._collections.get(path.lower())
        if coll is not None:
            return ("collection", coll)
        ent = self.get(path)
        if ent is not None:
            return ("entity", ent)
        head, _, segment = path.rpartition("/")
        parent = self.get(head) if head else None
        if parent is not None:
            dl = down_link(parent.type, segment)
            if dl is not None:
                return ("list", (parent, dl))
        return None

    def find(self, type_name: str, **fields: Any) -> list[Entity]:
        """Entities of a type whose fields equal the given values (for tests and examples)."""
        return [e for e in self.entities(type_name) if all(e.fields.get(k) == v for k, v in fields.items())]


def _load_generators() -> None:
    """Import the family builders (they register themselves)."""
    if BUILDERS:
        return
    from . import gen_infra, gen_jobs, gen_points, gen_other  # noqa: F401
