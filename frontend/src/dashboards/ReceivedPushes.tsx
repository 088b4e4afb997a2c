/**
 * 收到的订阅推送: what subscriptions sent me in-app (GET /api/v1/subscriptions/received) — title, key numbers,
 * the link to the dashboard with its fixed filters; opening one marks it read. Shown under the alert inbox.
 */
import { Button, List, Space, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useI18n } from "../i18n";

type Item = Schemas["ReceivedItem"];

/** A received link, absolute (SHUZHI_PUBLIC_URL) or this app's path, as an in-app path when it is ours. */
export function inAppPath(link: string, origin: string): string {
  try {
    const u = new URL(link, origin);
    return u.pathname.startsWith("/dashboards/") ? `${u.pathname}${u.search}` : link;
  } catch {
    return link;
  }
}

export default function ReceivedPushes() {
  const { lang } = useI18n();
  const [items, setItems] = useState<Item[] | null>(null);
  const load = useCallback(() => {
    unwrap(api.GET("/api/v1/subscriptions/received", { params: { query: { limit: 100 } } })).then(setItems).catch(() => setItems([]));
  }, []);
  useEffect(load, [load]);
  const open = (i: Item) => {
    const go = () => window.location.assign(inAppPath(i.link, window.location.origin));
    if (i.read) return go();
    unwrap(api.POST("/api/v1/subscriptions/received/{item_id}/read", { params: { path: { item_id: i.id } } })).finally(go);
  };
  if (items !== null && items.length === 0) return null;
  return (
    <div data-testid="received-pushes" style={{ marginTop: 24 }}>
      <Typography.Title level={5}>{lang === "en" ? "Subscriptions sent to me" : "收到的订阅推送"}</Typography.Title>
      <List<Item>
        loading={items === null}
        dataSource={items ?? []}
        renderItem={(i) => (
          <List.Item actions={[<Button key="open" size="small" onClick={() => open(i)}>{lang === "en" ? "Open" : "打开"}</Button>]}>
            <List.Item.Meta
              title={<Space size={6} wrap>{!i.read && <Tag color="red">{lang === "en" ? "Unread" : "未读"}</Tag>}<span>{i.title}</span></Space>}
              description={<>
                {i.numbers.length > 0 && <div>{i.numbers.map((n) => `${n.label} ${n.value}`).join(" · ")}</div>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{(i.received_at ?? "").slice(0, 16).replace("T", " ")}</Typography.Text>
              </>}
            />
          </List.Item>
        )}
      />
    </div>
  );
}
