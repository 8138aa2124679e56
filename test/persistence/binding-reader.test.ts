import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bind, createBindingReader, unbind } from "../../src/persistence/binding-repository.js";
import type { Database } from "../../src/persistence/database.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";

/**
 * The bindings every delivery reads, cached on SQLite: a binding or an unbinding must count
 * from the next message whoever makes it, this process or another one (the CLI), exactly
 * as without the cache.
 */
describe.each(PROVIDERS)("binding reader on %s", (provider) => {
  let t: TestDatabase;
  let db: Database;
  let other: Database;
  const who = { platform: "slack" as const, tenant: "T1", userId: "U_CACHE" };

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    db = await t.open();
    // A second connection to the same database: another process, as the CLI is.
    other = await t.open({ migrate: false });
    await db.prisma.unit.createMany({ data: [{ name: "甲局", kind: "department" }, { name: "乙县", kind: "county" }] });
  });

  afterAll(async () => {
    await other?.close();
    await db?.close();
    await t?.drop();
  });

  const unitId = async (name: string) => (await db.prisma.unit.findFirstOrThrow({ where: { name } })).id;
  const units = (rows: { role: string; unit: { name: string } }[]) => rows.map((r) => `${r.role}:${r.unit.name}`);

  it("GIVEN bindings changed in this process or by another connection THEN the next read sees each change", async () => {
    const read = createBindingReader(db.prisma);
    expect(await read(who)).toEqual([]);
    await bind(db.prisma, who, await unitId("甲局"), "liaison", "test");
    expect(units(await read(who))).toEqual(["liaison:甲局"]);
    expect(units(await read(who))).toEqual(["liaison:甲局"]);

    await bind(other.prisma, who, await unitId("乙县"), "liaison", "cli");
    expect(units(await read(who))).toEqual(["liaison:甲局", "liaison:乙县"]);

    await unbind(other.prisma, who, { unitId: await unitId("甲局") });
    expect(units(await read(who))).toEqual(["liaison:乙县"]);

    // A unit renamed by another process (a plan revision applied by the CLI).
    await other.prisma.unit.update({ where: { name: "乙县" }, data: { name: "乙市" } });
    expect(units(await read(who))).toEqual(["liaison:乙市"]);

    await unbind(db.prisma, who);
    expect(await read(who)).toEqual([]);
  });

  it("GIVEN a workspace-wide binding (tenant '') THEN it applies in every workspace, and the cache keeps workspaces apart", async () => {
    const read = createBindingReader(db.prisma);
    const anywhere = { ...who, userId: "U_ANY", tenant: "" };
    await bind(db.prisma, anywhere, await unitId("甲局"), "admin", "test");
    expect(units(await read({ ...anywhere, tenant: "T9" }))).toEqual(["admin:甲局"]);
    await bind(db.prisma, { ...anywhere, tenant: "T9" }, await unitId("甲局"), "liaison", "test");
    expect(units(await read({ ...anywhere, tenant: "T9" }))).toEqual(["admin:甲局", "liaison:甲局"]);
    expect(units(await read({ ...anywhere, tenant: "T8" }))).toEqual(["admin:甲局"]);
  });
});
