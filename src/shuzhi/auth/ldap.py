"""Sign-in against LDAP / Active Directory (SHUZHI_LDAP_URL): bind as the service account, search the
person, bind as them with their password, read their groups, attributes and place in the tree.

    ident = LdapDirectory.from_settings(settings).authenticate("zhou", "their password")
    # Identity(username="zhou", role="viewer", attributes={"region": "华东"},
    #          departments=["华精科技/销售中心/华东销售部"], source="ldap", external_id="uid=zhou,ou=...")

Invariants
- The password is only ever sent in the user's own bind; nothing of it is stored (the local account
  made for the person has an unusable password, so only the directory can let them in).
- The search filter takes the typed name escaped (RFC 4515), so a name cannot widen the search; a
  search that finds more than one entry refuses the sign-in.
- Role: the highest role any of the person's groups maps to (SHUZHI_LDAP_GROUP_ROLES, by group DN or
  CN); else SHUZHI_LDAP_DEFAULT_ROLE; an empty default refuses people in no mapped group.
- Attributes: SHUZHI_LDAP_ATTRIBUTES maps directory attributes to Shuzhi attributes (l → region); the
  department is the person's organisational units, from the top down, under SHUZHI_LDAP_ORG_ROOT.
- An unreachable directory is a 503 with a bilingual message; a wrong password or an unknown person
  is None (the caller answers 401 the same way for both).
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shuzhi.errors import ShuzhiError

if TYPE_CHECKING:
    from shuzhi.settings import Settings

ROLE_ORDER = ("viewer", "editor", "admin")


@dataclass
class Identity:
    """A person as an outside directory or sign-in provider vouches for them."""

    username: str
    role: str
    source: str
    external_id: str
    display_name: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    departments: list[str] = field(default_factory=list)


def unavailable(zh: str, en: str, detail: str) -> ShuzhiError:
    return ShuzhiError("directory_unavailable", f"无法连接{zh}，请稍后再试或联系管理员（{detail}）。",
                       f"Cannot reach the {en}; try again later or ask your administrator ({detail}).", 503)


def _json_setting(name: str, text: str | None) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ShuzhiError("bad_ldap_setting", f"{name} 应为 JSON 对象，例如 {{\"cn=bi-admins,ou=groups,dc=example,dc=com\": \"admin\"}}。",
                          f"{name} must be a JSON object, e.g. {{\"cn=bi-admins,ou=groups,dc=example,dc=com\": \"admin\"}}.")
    return value


def _first(entry: Any, attr: str) -> str | None:
    values = entry.entry_attributes_as_dict.get(attr) or []
    return str(values[0]) if values else None


class LdapDirectory:
    def __init__(self, url: str, base_dn: str, *, bind_dn: str | None = None, bind_password: str | None = None,
                 user_filter: str = "(|(uid={username})(sAMAccountName={username}))",
                 group_roles: dict[str, str] | None = None, default_role: str | None = "viewer",
                 attributes: dict[str, str] | None = None, org_root: str | None = None, timeout_s: float = 5.0) -> None:
        self.url, self.base_dn = url, base_dn
        self.bind_dn, self.bind_password = bind_dn, bind_password
        self.user_filter = user_filter
        self.group_roles = {k.lower(): v for k, v in (group_roles or {}).items()}
        for role in self.group_roles.values():
            if role not in ROLE_ORDER:
                raise ShuzhiError("bad_ldap_setting", f"SHUZHI_LDAP_GROUP_ROLES 中的角色 {role} 不存在。",
                                  f"Role {role} in SHUZHI_LDAP_GROUP_ROLES does not exist.")
        self.default_role = default_role or None
        self.attributes = attributes or {}
        self.org_root = org_root
        self.timeout_s = timeout_s

    @classmethod
    def from_settings(cls, s: Settings) -> LdapDirectory | None:
        if not s.ldap_url:
            return None
        if not s.ldap_base_dn:
            raise ShuzhiError("bad_ldap_setting", "已设置 SHUZHI_LDAP_URL，但缺少 SHUZHI_LDAP_BASE_DN。",
                              "SHUZHI_LDAP_URL is set but SHUZHI_LDAP_BASE_DN is missing.")
        return cls(s.ldap_url, s.ldap_base_dn, bind_dn=s.ldap_bind_dn, bind_password=s.ldap_bind_password,
                   user_filter=s.ldap_user_filter, group_roles=_json_setting("SHUZHI_LDAP_GROUP_ROLES", s.ldap_group_roles),
                   default_role=s.ldap_default_role, attributes=_json_setting("SHUZHI_LDAP_ATTRIBUTES", s.ldap_attributes),
                   org_root=s.ldap_org_root)

    # -- connections ----------------------------------------------------------------------
    def _server(self) -> Any:
        import ldap3

        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED) if self.url.lower().startswith("ldaps://") else None
        return ldap3.Server(self.url, connect_timeout=self.timeout_s, tls=tls, get_info=ldap3.NONE)

    def _bind(self, dn: str | None, password: str | None) -> Any:
        import ldap3
        from ldap3.core.exceptions import (
            LDAPBindError,
            LDAPException,
            LDAPInvalidCredentialsResult,
            LDAPSocketOpenError,
        )

        try:
            conn = ldap3.Connection(self._server(), user=dn, password=password, receive_timeout=max(1, int(self.timeout_s)),
                                    raise_exceptions=True, auto_bind=ldap3.AUTO_BIND_NO_TLS, read_only=True)
        except (LDAPBindError, LDAPInvalidCredentialsResult):
            return None
        except LDAPSocketOpenError as exc:
            raise unavailable("LDAP 目录", "LDAP directory", type(exc).__name__) from None
        except LDAPException as exc:
            raise unavailable("LDAP 目录", "LDAP directory", type(exc).__name__) from None
        return conn

    # -- sign-in --------------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> Identity | None:
        from ldap3.utils.conv import escape_filter_chars

        if not username or not password:  # an empty password would be an anonymous bind: never a sign-in
            return None
        service = self._bind(self.bind_dn, self.bind_password)
        if service is None:
            raise unavailable("LDAP 目录", "LDAP directory", "service account bind refused")
        try:
            flt = self.user_filter.replace("{username}", escape_filter_chars(username))
            wanted = sorted({"cn", "displayName", "memberOf", *self.attributes})
            service.search(self.base_dn, flt, attributes=wanted)
            entries = list(service.entries)
            if len(entries) != 1:
                return None
            entry = entries[0]
            dn = entry.entry_dn
            groups = self._groups(service, dn, username, entry)
        finally:
            service.unbind()
        own = self._bind(dn, password)
        if own is None:
            return None
        own.unbind()
        role = self._role(groups)
        if role is None:
            return None
        attrs = {target: _first(entry, source) for source, target in self.attributes.items()}
        return Identity(username=username.lower(), role=role, source="ldap", external_id=dn,
                        display_name=_first(entry, "displayName") or _first(entry, "cn"),
                        attributes={k: v for k, v in attrs.items() if v},
                        departments=self._departments(dn))

    def _groups(self, conn: Any, dn: str, username: str, entry: Any) -> set[str]:
        from ldap3.utils.conv import escape_filter_chars

        groups = {str(g) for g in (entry.entry_attributes_as_dict.get("memberOf") or [])}
        flt = (f"(|(member={escape_filter_chars(dn)})(uniqueMember={escape_filter_chars(dn)})"
               f"(memberUid={escape_filter_chars(username)}))")
        conn.search(self.base_dn, flt, attributes=["cn"])
        groups |= {e.entry_dn for e in conn.entries}
        return groups

    def _role(self, groups: set[str]) -> str | None:
        best = -1
        for g in groups:
            cn = g.split(",", 1)[0].split("=", 1)[-1].strip().lower()
            role = self.group_roles.get(g.lower()) or self.group_roles.get(cn)
            if role is not None:
                best = max(best, ROLE_ORDER.index(role))
        if best >= 0:
            return ROLE_ORDER[best]
        return self.default_role

    def _departments(self, dn: str) -> list[str]:
        """The person's organisational units from the top down (ou=华东销售部,ou=销售中心 → 销售中心/华东销售部),
        under the org root; none when the entry sits in no unit (or only in a people container)."""
        from ldap3.utils.dn import parse_dn

        units = [value for attr, value, _ in parse_dn(dn, escape=False) if attr.lower() == "ou"]
        units = [u for u in units if u.lower() not in ("people", "users", "groups")]
        if not units:
            return []
        path = "/".join(reversed(units))
        return [f"{self.org_root}/{path}" if self.org_root else path]

    # -- org sync -------------------------------------------------------------------------
    def people(self) -> tuple[list[Identity], list[str]]:
        """Everyone the user filter finds (its {username} as *) with their role, attributes and
        department, and every organisational unit as a department path (containers such as people,
        users and groups left out) — for `shuzhi ldap sync`."""
        service = self._bind(self.bind_dn, self.bind_password)
        if service is None:
            raise unavailable("LDAP 目录", "LDAP directory", "service account bind refused")
        out: list[Identity] = []
        try:
            wanted = sorted({"uid", "sAMAccountName", "cn", "displayName", "memberOf", *self.attributes})
            service.search(self.base_dn, self.user_filter.replace("{username}", "*"), attributes=wanted)
            entries = list(service.entries)
            for entry in entries:
                name = _first(entry, "uid") or _first(entry, "sAMAccountName")
                if not name:
                    continue
                role = self._role(self._groups(service, entry.entry_dn, name, entry))
                if role is None:
                    continue
                attrs = {target: _first(entry, source) for source, target in self.attributes.items()}
                out.append(Identity(username=name.lower(), role=role, source="ldap", external_id=entry.entry_dn,
                                    display_name=_first(entry, "displayName") or _first(entry, "cn"),
                                    attributes={k: v for k, v in attrs.items() if v},
                                    departments=self._departments(entry.entry_dn)))
            service.search(self.base_dn, "(objectClass=organizationalUnit)", attributes=["ou"])
            units = sorted({p for e in service.entries for p in self._departments(e.entry_dn)})
        finally:
            service.unbind()
        return out, units

