/** Pure: the add-channel form's values → the POST /api/v1/channels body, and address checks. */
import type { Schemas } from "../api/client";

export type ChannelIn = Schemas["ChannelIn"];
export type Kind = ChannelIn["kind"];
export const KINDS: Kind[] = ["dingtalk", "wecom", "feishu", "email", "webhook"];
export const ROBOTS: Kind[] = ["dingtalk", "wecom", "feishu", "webhook"];

export interface ChannelForm {
  name: string;
  label?: string;
  kind: Kind;
  url?: string;
  secret?: string;
  smtp_host?: string;
  smtp_port?: number | null;
  tls?: "starttls" | "ssl" | "none";
  smtp_user?: string;
  password?: string;
  from?: string;
  to?: string;
}

const ADDRESS = /^[^\s@,;<>]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** "a@x.cn, b@x.cn；c@x.cn" → ["a@x.cn", "b@x.cn", "c@x.cn"] (commas, Chinese commas, semicolons, spaces). */
export function splitAddresses(text: string | undefined): string[] {
  return [...new Set((text ?? "").split(/[,，;；\s]+/).map((a) => a.trim()).filter(Boolean))];
}

export function badAddress(text: string | undefined): string | null {
  return splitAddresses(text).find((a) => !ADDRESS.test(a)) ?? null;
}

/** A robot has a signing secret except WeCom (its key is in the URL). */
export function hasSecret(kind: Kind): boolean {
  return kind === "dingtalk" || kind === "feishu" || kind === "webhook";
}

export function channelBody(v: ChannelForm): ChannelIn {
  const base = { name: v.name.trim(), kind: v.kind, label: v.label?.trim() || null };
  if (v.kind === "email") {
    return {
      ...base, smtp_host: v.smtp_host?.trim() || null, smtp_port: v.smtp_port ?? null, tls: v.tls ?? "starttls",
      smtp_user: v.smtp_user?.trim() || null, password: v.password || null, from: v.from?.trim() || null,
      to: splitAddresses(v.to),
    } as ChannelIn;
  }
  return { ...base, url: v.url?.trim() || null, secret: hasSecret(v.kind) ? v.secret?.trim() || null : null } as ChannelIn;
}

/** The usual port for an encryption mode. */
export function defaultPort(tls: "starttls" | "ssl" | "none"): number {
  return tls === "ssl" ? 465 : tls === "starttls" ? 587 : 25;
}
