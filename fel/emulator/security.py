"""``/security``: Enterprise Manager's accounts, roles and restore scopes (read-only).

Shapes follow Veeam's documented examples: ``EnterpriseSecuritySettings`` links the account and
role lists; ``/security/accounts`` and ``/security/roles`` are ``EntityReferences`` (JSON
``{"Refs": […]}``); ``/security/accounts/{id}?format=Entity`` is an ``EnterpriseAccount``
(``AccountType``, ``AllowRestoreAllVms``, ``FlrSettings``, ``SqlSettings``) linking its
``/roles`` (``EnterpriseAccountInRoleList`` of ``EnterpriseAccountInRole`` with ``RoleName``)
and ``/scopes`` (``EnterpriseAccountHierarchyScopes``); a role is an ``EnterpriseRole`` with
its Alternate link only. Action links (``Create``, ``Delete``, ``ToggleRestoreScopesEnabled``,
``?action=rebuildScope``) are left out: writes are not emulated (405).

The accounts and roles are fixed (GUIDs derived from the dataset's seed); restore scopes point
at the dataset's hierarchy roots.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from .dataset import Dataset
from .render import Node

__all__ = ["Security", "ROLE_NAMES"]

#: Enterprise Manager's roles (the first three are EM's built-in ones).
ROLE_NAMES = ("Portal Administrator", "Portal User", "Restore Operator", "File Restore Operator",
              "VM Restore Operator")

#: (account name, AccountType, roles by index into ROLE_NAMES, AllowRestoreAllVms, scoped)
_ACCOUNTS = (
    ("BUILTIN\\Administrators", "Group", (0,), True, False),
    ("TECH\\svc_veeam", "User", (0,), True, False),
    ("TECH\\william.fox", "User", (3, 4), False, True),
    ("TECH\\Helpdesk & Restore", "Group", (2,), False, True),
    ("TECH\\Portal Users", "Group", (1,), True, False),
)


@dataclass(frozen=True, slots=True)
class _Item:
    id: str
    name: str


class Security:
    """The security resources of one dataset; answers paths below ``/security``."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        ns = uuid.uuid5(uuid.NAMESPACE_URL, f"fel-emulator:{ds.seed}:security")
        self.roles = [_Item(str(uuid.uuid5(ns, "role:" + n)), n) for n in ROLE_NAMES]
        self.accounts = [_Item(str(uuid.uuid5(ns, "account:" + a[0])), a[0]) for a in _ACCOUNTS]
        self._ns = ns

    # ---- answers -------------------------------------------------------------------------
    def resolve(self, api: str, parts: list[str], entity: bool, as_json: bool) -> Node | None:
        """The body of ``/security/<parts…>``, or None when there is no such resource."""
        low = [p.lower() for p in parts]
        if not low:
            return self.settings(api)
        if low == ["accounts"]:
            return self._refs(api, "accounts", self.accounts, "EnterpriseAccount", as_json)
        if low == ["roles"]:
            return self._refs(api, "roles", self.roles, "EnterpriseRole", as_json)
        if low[0] == "roles" and len(low) == 2:
            role = self._find(self.roles, low[1])
            return None if role is None else self._role(api, role, entity)
        if low[0] != "accounts" or len(low) < 2:
            return None
        found = self._find(self.accounts, low[1])
        if found is None:
            return None
        spec = _ACCOUNTS[self.accounts.index(found)]
        if len(low) == 2:
            return self._account(api, found, spec, entity)
        if low[2] == "roles" and len(low) <= 4:
            items = self._in_roles(api, found, spec)
            return self._pick(items, low, "EnterpriseAccountInRoleList", as_json)
        if low[2] == "scopes" and len(low) <= 4:
            items = self._scopes(api, found, spec)
            return self._pick(items, low, "EnterpriseAccountHierarchyScopes", as_json)
        return None

    def settings(self, api: str) -> Node:
        return Node("EnterpriseSecuritySettings", [("Href", api + "/security")], None, [],
                    [("Down", "EnterpriseAccountReferenceList", api + "/security/accounts", None),
                     ("Down", "EnterpriseRoleReferenceList", api + "/security/roles", None)])

    # ---- helpers -------------------------------------------------------------------------
    @staticmethod
    def _find(items: list[_Item], ident: str) -> _Item | None:
        ident = ident.rsplit(":", 1)[-1]
        return next((i for i in items if i.id == ident), None)

    @staticmethod
    def _pick(items: list[Node], low: list[str], list_tag: str, as_json: bool) -> Node | None:
        if len(low) == 3:
            return Node(list_tag, [], None, items, collection=as_json)
        return next((i for i in items if i.attrs[0][1].lower().endswith("/" + low[3])), None)

    @staticmethod
    def _attrs(api: str, seg: str, kind: str, item: _Item, entity: bool) -> list[tuple[str, object]]:
        href = f"{api}/security/{seg}/{item.id}" + ("?format=Entity" if entity else "")
        return [("Type", kind if entity else kind + "Reference"), ("Href", href), ("Name", item.name),
                ("UID", f"urn:veeam:{kind}:{item.id}")]

    def _refs(self, api: str, seg: str, items: list[_Item], kind: str, as_json: bool) -> Node:
        refs = [Node("Ref", self._attrs(api, seg, kind, i, False), None, [],
                     [("Alternate", kind, f"{api}/security/{seg}/{i.id}?format=Entity", None)]) for i in items]
        return Node("Refs" if as_json else "EntityReferences", [], None, refs, collection=as_json)

    def _role(self, api: str, role: _Item, entity: bool) -> Node:
        if entity:
            return Node("EnterpriseRole", self._attrs(api, "roles", "EnterpriseRole", role, True), None, [],
                        [("Alternate", "EnterpriseRoleReference", f"{api}/security/roles/{role.id}", None)])
        return Node("EntityRef", self._attrs(api, "roles", "EnterpriseRole", role, False), None, [],
                    [("Alternate", "EnterpriseRole", f"{api}/security/roles/{role.id}?format=Entity", None)])

    def _account(self, api: str, acc: _Item, spec: tuple, entity: bool) -> Node:
        href = f"{api}/security/accounts/{acc.id}"
        if not entity:
            return Node("EntityRef", self._attrs(api, "accounts", "EnterpriseAccount", acc, False), None, [],
                        [("Alternate", "EnterpriseAccount", href + "?format=Entity", None)])
        _, account_type, _, allow_all, _ = spec
        kids = [Node("AccountType", [], account_type), Node("AllowRestoreAllVms", [], allow_all),
                Node("FlrSettings", [], None, [Node("FlrInplaceOnly", [], False),
                                               Node("FlrExtentionRestrictions", [], None)]),
                Node("SqlSettings", [], None, [Node("DenyInPlaceRestore", [], False)])]
        return Node("EnterpriseAccount", self._attrs(api, "accounts", "EnterpriseAccount", acc, True), None, kids,
                    [("Alternate", "EnterpriseAccountReference", href, None),
                     ("Down", "EnterpriseAccountInRoleList", href + "/roles", None),
                     ("Down", "EnterpriseAccountHierarchyScopeList", href + "/scopes", None)])

    def _in_roles(self, api: str, acc: _Item, spec: tuple) -> list[Node]:
        return [Node("EnterpriseAccountInRole", [("Href", f"{api}/security/accounts/{acc.id}/roles/{self.roles[r].id}")],
                     None, [Node("RoleName", [], self.roles[r].name)]) for r in spec[2]]

    def _scopes(self, api: str, acc: _Item, spec: tuple) -> list[Node]:
        if not spec[4]:
            return []
        out = []
        roots = [r for r in self.ds.entities("HierarchyRoot") if r.fields["HostType"] in ("VC", "HvServer")][:2]
        for root in roots:
            for name, kind in (("Production", "ResourcePool"), ("dbserver01", "Vm")):
                sid = str(uuid.uuid5(self._ns, f"scope:{acc.id}:{root.id}:{name}"))
                platform = "HyperV" if root.fields["HostType"] == "HvServer" else "VMware"
                out.append(Node("EnterpriseAccountHierarchyScope",
                                [("Href", f"{api}/security/accounts/{acc.id}/scopes/{sid}")], None,
                                [Node("Name", [], name), Node("HierarchyRootName", [], root.fields["Name"]),
                                 Node("Platform", [], platform), Node("HierarchyObjectType", [], kind),
                                 Node("State", [], "Processed")]))
        return out
