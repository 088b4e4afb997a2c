"""A real OpenLDAP server (Debian's slapd) for sign-in tests: a throw-away directory on a free port with
华精科技's people, organisational units and groups. Skips locally when slapd is missing; fails under CI.

    with Slapd() as d:      # d.url, d.base, d.admin_dn, d.admin_password
        d.add_person("zhou", "Zhou-Ldap-2026", ou=["华东销售部", "销售中心"], l="华东", groups=["bi-viewers"])
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from shuzhi_testing import free_port, port_open, service_unavailable

SLAPD = "/usr/sbin/slapd"
SCHEMA = Path("/etc/ldap/schema")
BASE = "dc=huajing,dc=com"


class Slapd:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="shuzhi-slapd-"))
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.base = BASE
        self.admin_dn, self.admin_password = f"cn=admin,{BASE}", "Slapd-Admin-Pass"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Slapd:
        if not Path(SLAPD).exists() or not (SCHEMA / "inetorgperson.schema").exists():
            service_unavailable("slapd", "Debian's slapd is not installed (make ldap)")
        (self.dir / "db").mkdir()
        conf = self.dir / "slapd.conf"
        conf.write_text("\n".join([
            *(f"include {SCHEMA / n}.schema" for n in ("core", "cosine", "nis", "inetorgperson")),
            f"pidfile {self.dir / 'slapd.pid'}",
            "moduleload back_mdb", "database mdb", f'suffix "{BASE}"', f'rootdn "{self.admin_dn}"',
            f"rootpw {self.admin_password}", f"directory {self.dir / 'db'}", "maxsize 10485760",
            "access to attrs=userPassword by self read by anonymous auth by * none",
            "access to * by * read", ""]), encoding="utf-8")
        modules = next((p for p in ("/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap") if Path(p).is_dir()), None)
        text = conf.read_text(encoding="utf-8")
        if modules:
            text = text.replace("moduleload back_mdb", f"modulepath {modules}\nmoduleload back_mdb")
        conf.write_text(text, encoding="utf-8")
        self.proc = subprocess.Popen([SLAPD, "-f", str(conf), "-h", self.url + "/", "-d", "0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            if port_open("127.0.0.1", self.port):
                break
            if self.proc.poll() is not None:
                err = (self.proc.stderr.read() if self.proc.stderr else b"").decode(errors="replace")[-2000:]
                raise RuntimeError(f"slapd did not start: {err}")
            time.sleep(0.1)
        self._seed()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def conn(self) -> Any:
        import ldap3

        return ldap3.Connection(ldap3.Server(self.url), self.admin_dn, self.admin_password, auto_bind=True,
                                raise_exceptions=True)

    def _seed(self) -> None:
        with self.conn() as c:
            c.add(BASE, ["dcObject", "organization"], {"o": "华精科技", "dc": "huajing"})
            c.add(f"ou=groups,{BASE}", ["organizationalUnit"], {"ou": "groups"})
            c.add(f"ou=销售中心,{BASE}", ["organizationalUnit"], {"ou": "销售中心"})
            c.add(f"ou=华东销售部,ou=销售中心,{BASE}", ["organizationalUnit"], {"ou": "华东销售部"})
            c.add(f"ou=研发中心,{BASE}", ["organizationalUnit"], {"ou": "研发中心"})
            c.add(f"cn=shuzhi-svc,{BASE}", ["simpleSecurityObject", "organizationalRole"],
                  {"cn": "shuzhi-svc", "userPassword": "Svc-Ldap-Pass"})

    def add_person(self, uid: str, password: str, *, ou: list[str], l: str | None = None,  # noqa: E741
                   groups: list[str] = (), display: str | None = None) -> str:  # type: ignore[assignment]
        dn = ",".join([f"uid={uid}", *(f"ou={u}" for u in ou), BASE])
        attrs: dict[str, Any] = {"uid": uid, "cn": display or uid, "sn": uid, "userPassword": password}
        if l:
            attrs["l"] = l
        if display:
            attrs["displayName"] = display
        with self.conn() as c:
            c.add(dn, ["inetOrgPerson"], attrs)
            for g in groups:
                gdn = f"cn={g},ou=groups,{BASE}"
                if not self._exists(c, gdn):
                    c.add(gdn, ["groupOfNames"], {"cn": g, "member": [f"cn=shuzhi-svc,{BASE}", dn]})
                else:
                    c.modify(gdn, {"member": [("MODIFY_ADD", [dn])]})
        return dn

    @staticmethod
    def _exists(c: Any, dn: str) -> bool:
        from ldap3.core.exceptions import LDAPNoSuchObjectResult

        try:
            return bool(c.search(dn, "(objectClass=*)", search_scope="BASE"))
        except LDAPNoSuchObjectResult:
            return False

    def set_groups(self, dn: str, old: str, new: str) -> None:
        with self.conn() as c:
            c.modify(f"cn={old},ou=groups,{BASE}", {"member": [("MODIFY_DELETE", [dn])]})
            gdn = f"cn={new},ou=groups,{BASE}"
            if not self._exists(c, gdn):
                c.add(gdn, ["groupOfNames"], {"cn": new, "member": [f"cn=shuzhi-svc,{BASE}", dn]})
            else:
                c.modify(gdn, {"member": [("MODIFY_ADD", [dn])]})
