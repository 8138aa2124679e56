/**
 * The rig the group-post tests share (briefing, annual assessment, monthly digest): the fake
 * Slack and the fake DingTalk (+ its media upload), posters built from a config pointing at
 * them, and fresh ranking worlds with both task-force groups set, on one database provider.
 */
import type { Config } from "../../src/config/load-config.js";
import { DEFAULT_SCHEDULE } from "../../src/domain/schedule/schedule-config.js";
import type { Database } from "../../src/persistence/database.js";
import type { Provider } from "../../src/persistence/migrations.js";
import { saveSchedule } from "../../src/persistence/schedule-repository.js";
import { buildBriefingPosters, type BriefingPosters } from "../../src/reminders/build-briefing-posters.js";
import { installFakeDingTalkMedia, type FakeDingTalkMedia } from "../fakes/fake-dingtalk-media.js";
import { startFakeDingTalk, type FakeDingTalk } from "../fakes/fake-dingtalk.js";
import { startFakeSlack, type FakeSlack } from "../fakes/fake-slack.js";
import { createTestDatabase, type TestDatabase } from "./databases.js";
import { seedRankingWorld, type RankingWorld } from "./ranking-world.js";

export const TF_SLACK = "CTASKFORCE";
export const TF_DING = "cidTaskForce==";
/** The DingTalk API a group post goes through. */
export const GROUP = "POST /v1.0/robot/groupMessages/send";

export interface GroupPostRig {
  slack: FakeSlack;
  ding: FakeDingTalk;
  media: FakeDingTalkMedia;
  posters: BriefingPosters;
  /** A fresh database with the ranking world and both task-force groups set. */
  world(): Promise<{ db: Database; world: RankingWorld }>;
  /** Where each fake's records stand now, to read what arrived after. */
  mark(): { slack: number; ding: number; uploads: number; media: number };
  close(): Promise<void>;
}

export async function startGroupPostRig(provider: Provider): Promise<GroupPostRig> {
  const slack = await startFakeSlack();
  const ding = await startFakeDingTalk({ qpsLimit: 20 });
  const media = installFakeDingTalkMedia(ding);
  const config: Pick<Config, "slack" | "dingtalk" | "lang"> = {
    lang: "zh",
    slack: { mode: "http", botToken: "xoxb-test", signingSecret: "s", apiUrl: slack.apiUrl },
    dingtalk: { clientId: ding.clientId, clientSecret: ding.clientSecret, robotCode: ding.robotCode, apiUrl: ding.url },
  };
  const dbs: TestDatabase[] = [];
  const open: Database[] = [];
  return {
    slack,
    ding,
    media,
    posters: buildBriefingPosters(config),
    async world() {
      const tdb = await createTestDatabase(provider);
      dbs.push(tdb);
      const db = await tdb.open();
      open.push(db);
      const w = await seedRankingWorld(db);
      await saveSchedule(db.prisma, w.planId, { ...DEFAULT_SCHEDULE, taskforce: { slack: TF_SLACK, dingtalk: TF_DING } }, "test");
      return { db, world: w };
    },
    mark: () => ({ slack: slack.calls.length, ding: ding.calls.length, uploads: slack.uploads.length, media: media.uploads.length }),
    async close() {
      for (const db of open) await db.close();
      for (const tdb of dbs) await tdb.drop();
      await slack.close();
      await ding.close();
    },
  };
}
