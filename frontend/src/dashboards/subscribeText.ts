/** Texts of the 「订阅」 dialog (zh first, en), kept beside it. */
import { useI18n } from "../i18n";

const TEXT = {
  subscribe: ["订阅", "Subscribe"],
  title: ["订阅「{title}」", "Subscribe to '{title}'"],
  newSub: ["新建订阅", "New subscription"],
  when: ["发送时间", "When"],
  daily: ["每天", "Daily"],
  weekly: ["每周", "Weekly"],
  monthly: ["每月", "Monthly"],
  custom: ["自定义 cron", "Custom cron"],
  cronPh: ["例如 0 8 * * 1-5（工作日 8:00）", "e.g. 0 8 * * 1-5 (weekdays 08:00)"],
  dayOfMonth: ["{d} 日", "Day {d}"],
  tz: ["北京时间（Asia/Shanghai）", "China time (Asia/Shanghai)"],
  format: ["内容", "Content"],
  png: ["图片", "Image"],
  pdf: ["PDF", "PDF"],
  xlsx: ["Excel", "Excel"],
  link: ["链接卡片", "Link card"],
  formatHint: ["钉钉、飞书机器人不能接收文件：PDF / Excel 以链接发送；邮件、企业微信收到附件。",
    "DingTalk and Feishu robots cannot take files: PDF / Excel go there as a link; e-mail and WeCom get the file."],
  what: ["订阅范围", "What"],
  whole: ["整个仪表板", "The whole dashboard"],
  channels: ["推送渠道", "Channels"],
  channelsPh: ["选择钉钉、企业微信、飞书或邮件渠道", "Pick DingTalk, WeCom, Feishu or e-mail channels"],
  noChannels: ["还没有推送渠道：管理员可以用 shuzhi channel add 或在「推送渠道」页添加。",
    "No channels yet: an administrator adds them with shuzhi channel add or on the Channels page."],
  users: ["站内用户", "In-app users"],
  usersPh: ["输入用户名", "Type usernames"],
  filters: ["固定筛选", "Fixed filters"],
  noFilters: ["无（使用各筛选器的默认值）", "None (each filter's default)"],
  runsAs: ["订阅以你的身份运行：收件人看到的是你能看到的数据。", "The subscription runs as you: recipients get the data you can see."],
  needTarget: ["请至少选择一个推送渠道或站内用户", "Pick at least one channel or in-app user"],
  create: ["创建订阅", "Create"],
  created: ["已创建订阅", "Subscription created"],
  existing: ["本仪表板的订阅", "Subscriptions of this dashboard"],
  none: ["还没有订阅", "No subscriptions yet"],
  sendNow: ["立即发送", "Send now"],
  sent: ["已发送：{ok}/{n} 成功", "Sent: {ok} of {n} delivered"],
  sendFailed: ["发送失败：{why}", "Sending failed: {why}"],
  delete: ["删除", "Delete"],
  deleteQ: ["删除这个订阅？", "Delete this subscription?"],
  onDemand: ["仅手动", "On demand"],
  never: ["未发送", "Not sent yet"],
  s_delivered: ["已送达", "Delivered"],
  s_partial: ["部分失败", "Partly failed"],
  s_failed: ["失败", "Failed"],
  s_running: ["发送中", "Sending"],
  owner: ["创建者 {owner}", "by {owner}"],
} as const;

export type SubscribeTextKey = keyof typeof TEXT;

export function useSubscribeText() {
  const { lang } = useI18n();
  return (key: SubscribeTextKey, vars?: Record<string, string | number>) => {
    let s: string = TEXT[key][lang === "en" ? 1 : 0];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}
