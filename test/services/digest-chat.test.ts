/**
 * `排名 月报 [period]` / `ranking digest [period]` in chat: the monthly digest shown to a task-force
 * member or admin as it stands (the group gets it once, from the scheduler), on both databases.
 */
import { describe, expect, it } from "vitest";
import { botFixture } from "../helpers/bot-fixture.js";
import { PROVIDERS } from "../helpers/databases.js";
import { seedRankingWorld } from "../helpers/ranking-world.js";

describe.each(PROVIDERS)("排名 月报 in chat on %s", (provider) => {
  it("GIVEN a task-force member THEN March 2022's digest in either script or English; a liaison is denied; a bad month is named", async () => {
    const f = await botFixture(provider);
    try {
      await seedRankingWorld(f.db);
      await f.bindAs("slack", "TF1", "市经信局", "taskforce");
      await f.bindAs("slack", "L1", "永康市", "liaison");

      const r = await f.say("TF1", "排名 月报 2022-03");
      expect(r.status).toBe("info");
      expect(r.title).toBe("2022年3月 月度监测");
      // The same lines the group gets (worked out by hand in monthly-digest.test.ts).
      expect(r.lines[0]).toMatch(/^报送截止2022年4月6日：应报\d+个单位，按时2个，逾期1个，未报\d+个$/u);
      expect(r.lines).toContain("- 逾期：永康市（2022年4月20日报送）");
      expect(r.lines).toContain("- 未报：兰溪市");

      const traditional = await f.say("TF1", "排名 月報 2022年3月");
      expect(traditional.lines).toEqual(r.lines);

      const en = await f.say("TF1", "ranking digest 2022-03");
      expect(en.status).toBe("info");
      expect(en.lines[0]).toMatch(/^Due 6 Apr 2022/);

      expect((await f.say("L1", "排名 月报 2022-03")).status).toBe("denied");
      // Help lists the command to whom it is for.
      expect((await f.say("TF1", "帮助")).lines.join("\n")).toContain("**排名 月报** [月份]");
      expect((await f.say("L1", "帮助")).lines.join("\n")).not.toContain("排名");

      const bad = await f.say("TF1", "排名 月报 十三月");
      expect(bad.status).toBe("error");
      expect(bad.title).toContain("十三月");
      expect(bad.example).toBe("排名 月报 2026年10月");
    } finally {
      await f.close();
    }
  });

  it("GIVEN a month outside the plan's span THEN it says so instead of an empty digest", async () => {
    const f = await botFixture(provider);
    try {
      await seedRankingWorld(f.db);
      await f.bindAs("slack", "TF1", "市经信局", "taskforce");
      // The plan runs 2021–2023: a month before it owes nothing, and the reply says why.
      const r = await f.say("TF1", "排名 月报 2019-06");
      expect(r.status).toBe("info");
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(/^本方案报送期为2021年1月至20\d\d年\d{1,2}月，自2021年1月开始；2019年6月不在报送期内，无需报送。$/u);
    } finally {
      await f.close();
    }
  });
});
