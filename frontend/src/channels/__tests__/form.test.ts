import { describe, expect, it } from "vitest";
import { badAddress, channelBody, defaultPort, hasSecret, splitAddresses } from "../form";
import { translate } from "../i18n";

describe("channel form", () => {
  it("splits recipient lists on commas, Chinese commas, semicolons and spaces, without duplicates", () => {
    expect(splitAddresses("a@x.cn, b@x.cn，c@x.cn；a@x.cn")).toEqual(["a@x.cn", "b@x.cn", "c@x.cn"]);
    expect(splitAddresses(undefined)).toEqual([]);
    expect(badAddress("a@x.cn, not-an-address")).toBe("not-an-address");
    expect(badAddress("a@x.cn")).toBeNull();
  });

  it("builds the robot body: the secret only where the kind has one", () => {
    expect(channelBody({ name: " ding ", kind: "dingtalk", url: " https://o/robot/send?access_token=1 ", secret: "SEC1" }))
      .toEqual({ name: "ding", kind: "dingtalk", label: null, url: "https://o/robot/send?access_token=1", secret: "SEC1" });
    expect(channelBody({ name: "wc", kind: "wecom", url: "https://q/cgi-bin/webhook/send?key=k", secret: "ignored" }).secret).toBeNull();
    expect(hasSecret("wecom")).toBe(false);
  });

  it("builds the e-mail body with the recipients as a list", () => {
    const b = channelBody({ name: "mail", kind: "email", smtp_host: "smtp.x.cn", smtp_port: 465, tls: "ssl", smtp_user: "bot@x.cn",
      password: "pw", from: "bot@x.cn", to: "a@x.cn，b@x.cn" });
    expect(b).toMatchObject({ smtp_host: "smtp.x.cn", smtp_port: 465, tls: "ssl", from: "bot@x.cn", to: ["a@x.cn", "b@x.cn"] });
    expect(defaultPort("ssl")).toBe(465);
    expect(defaultPort("starttls")).toBe(587);
  });

  it("speaks both languages", () => {
    expect(translate("zh", "status.failing", { n: 3 })).toBe("连续失败 3 次");
    expect(translate("en", "status.failing", { n: 3 })).toBe("Failing (3 in a row)");
  });
});
