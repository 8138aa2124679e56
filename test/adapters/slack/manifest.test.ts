import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { SLACK_BOT_SCOPES, SLACK_COMMANDS } from "../../../src/adapters/slack/incoming.js";
import { SLACK_EVENTS_PATH } from "../../../src/adapters/slack/slack-adapter.js";

const manifestPath = new URL("../../../src/adapters/slack/manifest.yaml", import.meta.url);

const Manifest = z.object({
  display_information: z.object({ name: z.string().max(35) }),
  features: z.object({
    bot_user: z.object({ display_name: z.string().min(1).max(80) }),
    app_home: z.object({ messages_tab_enabled: z.boolean() }).loose(),
    slash_commands: z.array(
      z.object({ command: z.string(), url: z.string(), description: z.string().min(1), usage_hint: z.string().min(1), should_escape: z.boolean() }),
    ),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    interactivity: z.object({ is_enabled: z.literal(true), request_url: z.string() }),
    socket_mode_enabled: z.boolean(),
  }).loose(),
});

describe("Slack app manifest", () => {
  const manifest = Manifest.parse(parse(readFileSync(manifestPath, "utf8")));

  it("declares exactly the slash commands the adapter registers, with Chinese usage hints", () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(Object.values(SLACK_COMMANDS).sort());
    for (const c of manifest.features.slash_commands) {
      expect(c.usage_hint).toMatch(/[\u4e00-\u9fff]/);
      expect(c.url).toBe(`https://YOUR-HOST${SLACK_EVENTS_PATH}`);
    }
  });

  it("requests exactly the bot scopes the code relies on", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SLACK_BOT_SCOPES].sort());
  });

  it("turns interactivity on at the same endpoint, HTTP mode by default", () => {
    expect(manifest.settings.interactivity.request_url).toBe(`https://YOUR-HOST${SLACK_EVENTS_PATH}`);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.display_information.name).toBe("督办 Duban");
    // Modal answers are DMs from the app, which need the Messages tab.
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });
});
