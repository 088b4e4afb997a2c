/** The header's alert bell: unread inbox items (GET /api/v1/inbox?unread=true, polled each minute); links to 告警. */
import { BellOutlined } from "@ant-design/icons";
import { Badge, Button, Tooltip } from "antd";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api } from "../api/client";
import { useText } from "./text";

export const INBOX_CHANGED = "shuzhi:inbox-changed";

export function InboxBadge() {
  const tx = useText();
  const navigate = useNavigate();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () => api.GET("/api/v1/inbox", { params: { query: { unread: true, limit: 1 } } })
      .then((r) => live && r.data && setUnread(r.data.unread)).catch(() => undefined);
    void load();
    const h = setInterval(load, 60_000);
    window.addEventListener(INBOX_CHANGED, load);
    return () => {
      live = false;
      clearInterval(h);
      window.removeEventListener(INBOX_CHANGED, load);
    };
  }, []);
  return (
    <Tooltip title={tx("inbox")}>
      <Button type="text" onClick={() => navigate("/alerts?tab=inbox")} data-testid="inbox-badge" aria-label={tx("inbox")}>
        <Badge count={unread} size="small" overflowCount={99}><BellOutlined style={{ fontSize: 16 }} /></Badge>
      </Button>
    </Tooltip>
  );
}
