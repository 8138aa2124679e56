import type { Store } from "../../handlers/ports.js";
import { INDICATOR_KINDS, type IndicatorKind } from "../domain/plan/types.js";
import { writeAudit } from "../persistence/audit-repository.js";
import { bind, unbind } from "../persistence/binding-repository.js";
import type { Db } from "../persistence/database.js";
import { obligationsOf } from "../persistence/obligation-repository.js";
import { latestValues, periodStatus, submitRevision } from "../persistence/report-repository.js";
import { resolveUnit, suggestUnits } from "../persistence/unit-repository.js";

/** The handlers' Store port over the database, for one plan. */
export function createStore(db: Db, planId: number): Store {
  return {
    planId,
    async obligations(unitId) {
      const o = await obligationsOf(db, planId, unitId);
      return {
        workItems: o.workItems,
        indicators: o.indicators.map((i) => ({ ...i, kind: asKind(i.kind) })),
      };
    },
    latestValues: (unitId, ids, atOrBefore) => latestValues(db, unitId, ids, atOrBefore),
    periodStatus: (period) => periodStatus(db, planId, period),
    async currentReport(unitId, period) {
      const report = await db.report.findUnique({
        where: { planId_unitId_period: { planId, unitId, period } },
        include: { values: { where: { current: true } } },
      });
      if (!report) return null;
      const rev = await db.reportRevision.findUnique({ where: { reportId_revision: { reportId: report.id, revision: report.revision } } });
      return {
        revision: report.revision,
        updatedAt: report.updatedAt,
        values: new Map(report.values.map((v) => [v.indicatorId, { value: v.value, raw: v.raw }])),
        narrative: { progress: rev?.progress ?? null, problems: rev?.problems ?? null, nextSteps: rev?.nextSteps ?? null },
      };
    },
    submit: (req) => submitRevision(db, { ...req, planId }),
    async resolveUnit(name) {
      const u = await resolveUnit(db, name);
      return u ? { id: u.id, name: u.name, kind: u.kind } : null;
    },
    suggestUnits: (name) => suggestUnits(db, name),
    bind: async (who, unitId, role, by) => ({ created: (await bind(db, who, unitId, role, by)).created }),
    unbind: (who, opts) => unbind(db, who, opts),
    audit: (entry) => writeAudit(db, entry),
  };
}

function asKind(k: string): IndicatorKind {
  return (INDICATOR_KINDS as readonly string[]).includes(k) ? (k as IndicatorKind) : "cumulative";
}
