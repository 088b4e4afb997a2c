/** The channels page's own words, [zh, en] per key, via useChT() (follows the app language). */
import { useCallback } from "react";
import { useI18n } from "../i18n";

const M = {
  title: ["推送渠道", "Channels"],
  subtitle: ["把告警和订阅推送到钉钉、企业微信、飞书群、邮箱或任意 Webhook", "Deliver alerts and subscriptions to DingTalk, WeCom, Feishu groups, e-mail or any webhook"],
  add: ["新建渠道", "Add channel"],
  reload: ["刷新", "Reload"],
  empty: ["还没有推送渠道：点击「新建渠道」添加钉钉、企业微信、飞书机器人或邮箱。", "No channels yet: add a DingTalk, WeCom or Feishu robot, or an e-mail channel."],
  name: ["名称", "Name"],
  nameRule: ["1–32 个汉字、小写字母、数字、_ 或 -，以汉字或字母开头（如 老板群、quality-team）", "1–32 Chinese characters, lower-case letters, digits, _ or -, starting with a Chinese character or a letter"],
  label: ["显示名", "Label"],
  labelPh: ["例如：质量管理群", "e.g. Quality team group"],
  kind: ["类型", "Kind"],
  status: ["状态", "Status"],
  target: ["发送到", "Sends to"],
  lastSend: ["最近发送", "Last send"],
  actions: ["操作", "Actions"],
  "status.ok": ["正常", "OK"],
  "status.unused": ["未使用", "Not used yet"],
  "status.failing": ["连续失败 {n} 次", "Failing ({n} in a row)"],
  signed: ["已加签", "Signed"],
  test: ["测试", "Test"],
  testOk: ["测试消息已送达：{to}", "Test message delivered: {to}"],
  testFailed: ["发送失败", "Not delivered"],
  sends: ["发送记录", "Sends"],
  noSends: ["还没有发送记录。", "No sends yet."],
  delete: ["删除", "Delete"],
  deleteConfirm: ["删除渠道「{name}」及其发送记录？", "Delete the channel '{name}' and its sends?"],
  save: ["保存", "Save"],
  cancel: ["取消", "Cancel"],
  url: ["Webhook 地址", "Webhook URL"],
  "url.dingtalk": ["钉钉群 → 群设置 → 机器人 → 自定义，复制 Webhook（含 access_token）", "DingTalk group → Settings → Robots → Custom; copy the webhook (with access_token)"],
  "url.wecom": ["企业微信群 → 添加群机器人，复制 Webhook 地址（含 key）", "WeCom group → Add group robot; copy the webhook URL (with key)"],
  "url.feishu": ["飞书群 → 设置 → 群机器人 → 自定义机器人，复制 Webhook 地址", "Feishu group → Settings → Bots → Custom bot; copy the webhook URL"],
  "url.webhook": ["接收 JSON POST 的地址", "An address that accepts a JSON POST"],
  secret: ["签名密钥", "Signing secret"],
  "secret.dingtalk": ["安全设置选「加签」时的 SEC 开头密钥（可选）", "The SEC… secret of the 加签 security setting (optional)"],
  "secret.feishu": ["安全设置中「签名校验」的密钥（可选）", "The secret of the signature check setting (optional)"],
  "secret.webhook": ["用于 X-Shuzhi-Signature 的 HMAC 密钥（可选）", "HMAC key for X-Shuzhi-Signature (optional)"],
  writeOnly: ["只写：保存后不再显示", "Write-only: never shown again"],
  smtpHost: ["SMTP 服务器", "SMTP server"],
  smtpPort: ["端口", "Port"],
  tls: ["加密", "Encryption"],
  smtpUser: ["登录用户", "Login"],
  password: ["密码", "Password"],
  from: ["发件人", "From"],
  to: ["收件人", "To"],
  toPh: ["多个地址用逗号分隔", "Separate addresses with commas"],
  badAddress: ["不是有效的邮件地址：{a}", "Not a valid e-mail address: {a}"],
  "kind.dingtalk": ["钉钉群机器人", "DingTalk robot"],
  "kind.wecom": ["企业微信群机器人", "WeCom group robot"],
  "kind.feishu": ["飞书群机器人", "Feishu bot"],
  "kind.email": ["电子邮件", "E-mail"],
  "kind.webhook": ["Webhook", "Webhook"],
  attempts: ["尝试 {n} 次", "{n} attempt(s)"],
  subject: ["内容", "Subject"],
  time: ["时间", "Time"],
  "send.delivered": ["已送达", "Delivered"],
  "send.failed": ["失败", "Failed"],
  "send.sending": ["发送中", "Sending"],
} as const;

export type ChKey = keyof typeof M;
export type ChT = (key: ChKey, vars?: Record<string, string | number>) => string;

export function translate(lang: string, key: ChKey, vars?: Record<string, string | number>): string {
  let s: string = M[key][lang === "en" ? 1 : 0];
  for (const [k, v] of Object.entries(vars ?? {})) s = s.replace(`{${k}}`, String(v));
  return s;
}

export function useChT(): ChT {
  const { lang } = useI18n();
  return useCallback((key: ChKey, vars?: Record<string, string | number>) => translate(lang, key, vars), [lang]);
}
