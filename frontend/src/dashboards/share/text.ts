/** Text of the share dialog, the shared page and the embed page (zh first, en). */
import { useCallback } from "react";
import { useI18n } from "../../i18n";

const zh = {
  "menu.share": "分享",
  "dialog.title": "分享「{title}」",
  "dialog.intro": "获得链接的人无需账号即可只读查看此仪表板，看到的是你（{user}）能看到的数据。",
  "dialog.days": "有效期",
  "dialog.daysN": "{n} 天",
  "dialog.never": "永不过期",
  "dialog.password": "访问密码（可选，至少 6 个字符）",
  "dialog.create": "创建链接",
  "dialog.created": "链接已创建。它只显示这一次，请现在复制：",
  "dialog.copy": "复制链接",
  "dialog.copied": "已复制",
  "dialog.list": "已有链接",
  "dialog.none": "还没有分享链接。",
  "dialog.revoke": "撤销",
  "dialog.revokeConfirm": "撤销后此链接立即失效，确定吗？",
  "dialog.revoked": "已撤销",
  "col.link": "链接",
  "col.as": "数据身份",
  "col.by": "创建者",
  "col.expires": "到期",
  "col.password": "密码",
  "col.views": "浏览",
  "col.status": "状态",
  "status.active": "有效",
  "status.expired": "已过期",
  "status.revoked": "已撤销",
  "yes": "有",
  "no": "无",
  "page.password": "此分享需要密码",
  "page.passwordHint": "请输入分享者提供的访问密码。",
  "page.open": "查看",
  "page.revoked": "此分享链接已被撤销",
  "page.expired": "此分享链接已过期",
  "page.unavailable": "此分享链接已失效",
  "page.notFound": "分享链接无效",
  "page.askOwner": "如需继续查看，请联系分享者获取新的链接。",
  "page.readOnly": "只读分享",
  "embed.failed": "无法显示嵌入的仪表板",
} as const;
type Key = keyof typeof zh;
const en: Record<Key, string> = {
  "menu.share": "Share",
  "dialog.title": "Share '{title}'",
  "dialog.intro": "Anyone with the link can view this dashboard read-only without an account, with the data you ({user}) can see.",
  "dialog.days": "Expires after",
  "dialog.daysN": "{n} days",
  "dialog.never": "Never",
  "dialog.password": "Password (optional, at least 6 characters)",
  "dialog.create": "Create link",
  "dialog.created": "The link is ready. It is shown only once; copy it now:",
  "dialog.copy": "Copy link",
  "dialog.copied": "Copied",
  "dialog.list": "Existing links",
  "dialog.none": "No share links yet.",
  "dialog.revoke": "Revoke",
  "dialog.revokeConfirm": "The link stops working at once. Revoke it?",
  "dialog.revoked": "Revoked",
  "col.link": "Link",
  "col.as": "Data as",
  "col.by": "Created by",
  "col.expires": "Expires",
  "col.password": "Password",
  "col.views": "Views",
  "col.status": "Status",
  "status.active": "Active",
  "status.expired": "Expired",
  "status.revoked": "Revoked",
  "yes": "Yes",
  "no": "No",
  "page.password": "This share needs a password",
  "page.passwordHint": "Enter the password you were given.",
  "page.open": "Open",
  "page.revoked": "This share link has been revoked",
  "page.expired": "This share link has expired",
  "page.unavailable": "This share link no longer works",
  "page.notFound": "This share link is not valid",
  "page.askOwner": "Ask the person who shared it for a new link.",
  "page.readOnly": "Read-only share",
  "embed.failed": "The embedded dashboard cannot be shown",
};

export function useST() {
  const { lang } = useI18n();
  return useCallback(
    (key: Key, vars?: Record<string, string | number>) => {
      let s: string = lang === "en" ? en[key] : zh[key];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
      return s;
    },
    [lang],
  );
}
