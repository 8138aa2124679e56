import { describe, expect, it } from "vitest";
import { ConfigError, describeConfig, loadConfig, mask } from "../../src/config/load-config.js";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.variable);
    throw e;
  }
  return [];
}

describe("loadConfig", () => {
  it("GIVEN an empty environment THEN the embedded default: SQLite under data/, port 3000, the example plan on auto, no platform", () => {
    const c = loadConfig({});
    expect(c.database).toEqual({ url: "file:./data/duban.db", provider: "sqlite" });
    expect(c.port).toBe(3000);
    expect(c.example).toBe("auto");
    expect(c.slack).toBeUndefined();
    expect(c.dingtalk).toBeUndefined();
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DUBAN_EXAMPLE: "maybe" }, "DUBAN_EXAMPLE"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ SLACK_BOT_TOKEN: "abc", SLACK_SIGNING_SECRET: "s" }, "SLACK_BOT_TOKEN"],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, "SLACK_SIGNING_SECRET"],
    [{ SLACK_SIGNING_SECRET: "s" }, "SLACK_BOT_TOKEN"],
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xoxp-2" }, "SLACK_APP_TOKEN"],
    [{ SLACK_API_URL: "ftp://x" }, "SLACK_API_URL"],
    [{ DINGTALK_CLIENT_ID: "id" }, "DINGTALK_CLIENT_SECRET"],
    [{ DINGTALK_API_URL: "not a url" }, "DINGTALK_API_URL"],
  ])("GIVEN %j THEN the start stops naming %s", (env, variable) => {
    expect(problems(env)).toContain(variable);
  });

  it("GIVEN several bad variables THEN every one is named at once", () => {
    expect(problems({ PORT: "x", DUBAN_EXAMPLE: "nowhere", LOG_LEVEL: "?" }).sort()).toEqual(["DUBAN_EXAMPLE", "LOG_LEVEL", "PORT"]);
  });

  it("GIVEN Slack with an app token THEN Socket Mode; with only a signing secret THEN HTTP", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slack?.mode).toBe("socket");
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack?.mode).toBe("http");
  });

  it("GIVEN secrets THEN the description masks them and the database password", () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-111-222-secretpart",
      SLACK_SIGNING_SECRET: "abcdef0123456789",
      DINGTALK_CLIENT_ID: "dingid",
      DINGTALK_CLIENT_SECRET: "dingsecret-value",
      DATABASE_URL: "postgresql://u:pw-123@h:5432/d",
    });
    const text = JSON.stringify(describeConfig(c));
    for (const s of ["secretpart", "abcdef0123456789", "dingsecret-value", "pw-123"]) expect(text).not.toContain(s);
    expect(text).toContain("xoxb-****");
    expect(mask("short")).toBe("****");
  });
});
