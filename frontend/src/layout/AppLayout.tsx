/** The frame: header (product name, language switch, user menu) and a side menu that collapses on phones. */
import { AppstoreOutlined, BarChartOutlined, DatabaseOutlined, DownOutlined, GlobalOutlined, HomeOutlined, LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { AuditOutlined, BellOutlined, BgColorsOutlined, BulbOutlined, SendOutlined, TeamOutlined } from "@ant-design/icons";
import { Avatar, Button, Dropdown, Grid, Layout, Menu } from "antd";
import { useState } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router-dom";
import { DashboardOutlined } from "@ant-design/icons";
import { useAuth, useCan } from "../auth";
import { InboxBadge } from "../insights/InboxBadge";
import { useText } from "../insights/text";
import { useDataT } from "../data/i18n";
import { useDT } from "../dashboards/i18n";
import { useFreshText } from "../freshness/text";
import { useI18n } from "../i18n";
import { INNOVATION_ITEMS } from "../innovation/menu";
import { ChangeColorsDialog, useChangeColorsLoader } from "./ChangeColorsDialog";
import { Logo } from "./Logo";

export { Logo };

const { Header, Sider, Content } = Layout;

export default function AppLayout() {
  const { dt: dashT } = useDT();
  const { t, lang, setLang } = useI18n();
  const { me, logout } = useAuth();
  const can = useCan();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const tx = useText();
  const phone = !screens.md;
  const [collapsed, setCollapsed] = useState(false);
  const [colorsOpen, setColorsOpen] = useState(false);
  const ft = useFreshText();
  useChangeColorsLoader(me?.username);
  const dataT = useDataT();
  const selected = location.pathname.startsWith("/metrics") ? "metrics" : location.pathname.startsWith("/analysis") ? "analysis" : location.pathname.startsWith("/data") ? "data" : location.pathname.startsWith("/channels") ? "channels" : location.pathname.startsWith("/admin/audit") ? "audit" : location.pathname.startsWith("/admin/people") ? "people" : "home";
  const items = [
    { key: "home", icon: <HomeOutlined />, label: t("nav.home"), path: "/" },
    { key: "metrics", icon: <AppstoreOutlined />, label: t("nav.metrics"), path: "/metrics" },
    { key: "analysis", icon: <BarChartOutlined />, label: t("nav.analysis"), path: "/analysis" },
    { key: "dashboards", icon: <DashboardOutlined />, label: dashT("list.title"), path: "/dashboards" },
    { key: "alerts", icon: <BellOutlined />, label: tx("alerts"), path: "/alerts" },
    // 创新 / Innovation: a group whose children are the innovation pages (innovation/menu.ts)
    { key: "innovation", icon: <BulbOutlined />, label: lang === "en" ? "Innovation" : "创新", path: INNOVATION_ITEMS[0].path,
      children: INNOVATION_ITEMS.map((c) => ({ key: c.key, label: lang === "en" ? c.en : c.zh, path: c.path })) },
    // raw tables, imports and datasets: not for viewers (data:raw)
    ...(can("data:raw") ? [{ key: "data", icon: <DatabaseOutlined />, label: dataT("data.title"), path: "/data" }] : []),
    // delivery channels (DingTalk, WeCom, Feishu, e-mail, webhook): administrators only
    ...(can("channels:manage") ? [{ key: "channels", icon: <SendOutlined />, label: lang === "en" ? "Channels" : "推送渠道", path: "/channels" }] : []),
    // users and departments: administrators only (users:manage)
    ...(can("users:manage") ? [{ key: "people", icon: <TeamOutlined />, label: lang === "en" ? "Users & departments" : "用户与部门", path: "/admin/people" }] : []),
    // the audit log: administrators only (audit:view)
    ...(can("audit:view") ? [{ key: "audit", icon: <AuditOutlined />, label: lang === "en" ? "Audit log" : "审计日志", path: "/admin/audit" }] : []),
  ];
  const inno = INNOVATION_ITEMS.find((c) => location.pathname.startsWith(c.path));
  const current = inno ? inno.key : location.pathname.startsWith("/dashboards") ? "dashboards" : location.pathname.startsWith("/alerts") ? "alerts" : selected;
  const flat = items.flatMap((i) => [i, ...(("children" in i && i.children) || [])]);
  const go = (key: string) => navigate(flat.find((i) => i.key === key)!.path);
  const menuItems = items.map((i) => ({ key: i.key, icon: i.icon, label: i.label,
    ...("children" in i && i.children ? { children: i.children.map(({ key, label }) => ({ key, label })) } : {}) }));
  const toggleLang = () => setLang(lang === "zh" ? "en" : "zh");
  const roleLabel = me ? t(`user.role.${me.role}` as "user.role.admin") : "";

  // Print mode (?print=1, the headless exports of issue 15): the page alone, without menus or header.
  if (new URLSearchParams(location.search).get("print") === "1")
    return (
      <div className="print-root">
        <Outlet />
      </div>
    );
  return (
    <Layout className="app-root">
      <Header className="app-header">
        <Link to="/" className="brand">
          <Logo />
          <span className="brand-name">{t("app.name")}</span>
          {!phone && <span className="brand-sub">Shuzhi BI</span>}
        </Link>
        {phone && (
          <Menu
            mode="horizontal"
            className="phone-nav"
            selectedKeys={[current]}
            items={menuItems}
            onClick={(e) => go(e.key)}
          />
        )}
        <div className="header-right">
          <InboxBadge />
          <Button type="text" icon={<GlobalOutlined />} onClick={toggleLang} data-testid="lang-switch">
            {!phone && t("user.language")}
          </Button>
          <Dropdown
            trigger={["click"]}
            menu={{
              items: [
                { key: "lang", icon: <GlobalOutlined />, label: t("user.language"), onClick: toggleLang },
                { key: "colors", icon: <BgColorsOutlined />, label: ft("colors"), onClick: () => setColorsOpen(true) },
                { type: "divider" },
                { key: "logout", icon: <LogoutOutlined />, label: t("user.logout"), onClick: () => void logout() },
              ],
            }}
          >
            <Button type="text" className="user-button" data-testid="user-menu">
              <Avatar size="small" icon={<UserOutlined />} style={{ background: "#1664ff" }} />
              {!phone && (
                <span className="user-name">
                  {me?.display_name || me?.username} <span className="user-role">{roleLabel}</span>
                </span>
              )}
              <DownOutlined style={{ fontSize: 10 }} />
            </Button>
          </Dropdown>
          <ChangeColorsDialog open={colorsOpen} onClose={() => setColorsOpen(false)} admin={me?.role === "admin"} />
        </div>
      </Header>
      <Layout>
        {!phone && (
          <Sider width={200} collapsible collapsed={collapsed} onCollapse={setCollapsed} breakpoint="lg" className="app-sider" theme="light">
            <Menu
              mode="inline"
              selectedKeys={[current]}
              defaultOpenKeys={inno ? ["innovation"] : []}
              items={menuItems}
              onClick={(e) => go(e.key)}
              style={{ borderInlineEnd: 0, paddingTop: 8 }}
            />
          </Sider>
        )}
        <Content className="app-content">
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
