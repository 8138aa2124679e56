import { handleBind } from "../../handlers/bind.js";
import type { HandlerContext } from "../../handlers/context.js";
import { handleHelp } from "../../handlers/help.js";
import type { Actor, Clock, Obligations, Store, UnitRow } from "../../handlers/ports.js";
import { handleReport } from "../../handlers/report.js";
import { problemsReply } from "../../handlers/reply-helpers.js";
import { handleStatus } from "../../handlers/status.js";
import { handleTasks } from "../../handlers/tasks.js";
import { handleSettings } from "../../handlers/settings.js";
import { handleRanking } from "../../handlers/ranking.js";
import type { Bot, Incoming, Lang, Reply, ReportForm, ReportFormSubmission } from "../../handlers/types.js";
import { toSimplified } from "../domain/plan/script.js";
import { parseCommand } from "../domain/report/parse-command.js";
import { parsePeriod } from "../domain/report/parse-period.js";
import { parseQuantity } from "../domain/report/parse-quantity.js";
import { formatPeriod, periodKey, type Period, type Problem, type ReportValue } from "../domain/report/types.js";
import { periodLabel, periodLabelFromKey } from "../i18n/report-words.js";
import type { Logger } from "../logging/logger.js";
import { createBindingReader } from "../persistence/binding-repository.js";
import type { Db } from "../persistence/database.js";
import { DuplicateDeliveryError, recordDelivery, recordedDelivery } from "../persistence/inbound-repository.js";
import { createLimiter } from "./limiter.js";

export interface BotDeps {
  db: Db;
  store: Store;
  clock: Clock;
  logger?: Logger;
  /** How many deliveries are handled at once (default 4); see limiter.ts. */
  maxConcurrent?: number;
}

const COMMAND_WORD = /^\s*([a-z]+)/i;
/** 设置 / set: the admin's schedule command (outside the report grammar). */
const SETTINGS_VERB = /^\s*(?:提醒设置|设置|settings|set)(?=\s|$)/i;
/** 排名 / ranking: the task force's ranking commands (排名 说明 义乌市 2026Q3). */
const RANKING_VERB = /^\s*(?:排名|ranking)(?=\s|$)/i;
/** A report verb with nothing after it. */
const BARE_FORM_VERB = /^\s*(?:\/report|上报|填报|report|form)\s*$/i;

/**
 * The platform-neutral core every adapter calls: exactly-once per delivery, who
 * the user is, parse, dispatch to a handler, remember the reply.
 */
export function createBot(deps: BotDeps): Bot {
  const { db, store, clock } = deps;
  const limit = createLimiter(deps.maxConcurrent ?? 4);
  const bindingsOf = createBindingReader(db);

  async function resolveActor(who: Pick<Incoming, "platform" | "tenant" | "userId" | "lang" | "text">): Promise<Actor> {
    const bindings = await bindingsOf({ platform: who.platform, tenant: who.tenant, userId: who.userId });
    const lang: Lang = who.lang ?? (who.text && COMMAND_WORD.test(who.text) ? "en" : "zh");
    const liaison = new Map<number, UnitRow>();
    for (const b of bindings) if (b.role === "liaison") liaison.set(b.unit.id, b.unit);
    return {
      identityId: bindings[0]?.identityId ?? null,
      platform: who.platform,
      tenant: who.tenant,
      userId: who.userId,
      lang,
      liaisonOf: [...liaison.values()],
      isAdmin: bindings.some((b) => b.role === "admin"),
      isTaskforce: bindings.some((b) => b.role === "taskforce"),
    };
  }

  function notRegistered(actor: Actor): Reply {
    const zh = actor.lang === "zh";
    const id = `${actor.platform} ${actor.userId}${actor.tenant ? ` (${actor.tenant})` : ""}`;
    return {
      status: "denied",
      title: zh ? "您还没有登记为任何单位的联络员" : "You are not registered as any unit's liaison",
      lines: [zh ? `请把您的用户ID发给管理员,由管理员绑定到您的单位:${id}` : `Give your admin your user id, to be bound to your unit: ${id}`],
      example: zh ? `绑定 ${actor.userId} <单位> 联络员` : `bind ${actor.userId} <unit> liaison`,
    };
  }

  /** A liaison of several units picks one by starting the message with its name. */
  async function pickUnit(actor: Actor, text: string | undefined, named?: string): Promise<{ unit?: UnitRow; rest: string | undefined }> {
    if (named) {
      const u = await store.resolveUnit(named);
      return { unit: actor.liaisonOf.find((x) => x.id === u?.id), rest: text };
    }
    if (text && actor.liaisonOf.length > 1) {
      const first = toSimplified(text.trim()).split(/\s+/)[0] ?? "";
      const u = first ? await store.resolveUnit(first) : null;
      const mine = actor.liaisonOf.find((x) => x.id === u?.id);
      if (mine) return { unit: mine, rest: text.trim().slice(first.length) };
    }
    return { unit: actor.liaisonOf[0], rest: text };
  }

  function ctxFor(incoming: Incoming, actor: Actor, delivered: Store, unit?: UnitRow, obligations?: Obligations): HandlerContext {
    return { incoming, actor, lang: actor.lang, store: delivered, clock, unit, obligations };
  }

  async function processText(incoming: Incoming, actor: Actor, delivered: Store): Promise<Reply> {
    const { unit, rest } = await pickUnit(actor, incoming.text);
    const obligations = unit ? await store.obligations(unit.id) : undefined;
    const text = rest ?? "";
    if (unit && BARE_FORM_VERB.test(toSimplified(text))) {
      // "填报" / "上报" alone: the user wants the form (DingTalk card, local web form).
      const form = await openFormFor(actor, unit, undefined, "report");
      return { status: "info", title: form.labels.title, lines: [], form };
    }
    const setting = SETTINGS_VERB.exec(toSimplified(text));
    if (setting) return handleSettings(text.slice(setting[0].length), ctxFor(incoming, actor, delivered, unit, obligations), incoming.text ?? "");
    const ranking = RANKING_VERB.exec(toSimplified(text));
    if (ranking) return handleRanking(text.slice(ranking[0].length), ctxFor(incoming, actor, delivered, unit, obligations));
    const parsed = parseCommand(text, {
      indicators: obligations?.indicators ?? [],
      now: clock.now(),
      timeZone: clock.timeZone,
      openPeriod: clock.openPeriod(),
    });
    const ctx = ctxFor(incoming, actor, delivered, unit, obligations);
    if (!parsed.ok) {
      const type = parsed.partial?.type;
      if (!unit && (type === "report" || type === "correct" || type === "status" || type === "tasks")) return notRegistered(actor);
      const period = parsed.partial && "period" in parsed.partial ? parsed.partial.period : clock.openPeriod();
      const reply = problemsReply(parsed.problems, actor.lang, obligations?.indicators ?? [], period, type === "correct" ? "correct" : "report");
      if (type === "report" || type === "correct") {
        await store.audit({
          actor: `${actor.platform}:${actor.tenant}:${actor.userId}`,
          platform: actor.platform,
          action: type === "correct" ? "report.correct" : "report.submit",
          subject: unit ? unit.name : "-",
          rawInput: incoming.text ?? "",
          result: "rejected",
          details: { problems: parsed.problems.map((p) => p.code) },
        });
      }
      return reply;
    }
    const cmd = parsed.command;
    switch (cmd.type) {
      case "help":
        return handleHelp(ctx);
      case "bind":
      case "unbind":
        return handleBind(cmd, ctx, incoming.text ?? "");
      case "report":
      case "correct":
        return unit ? handleReport(cmd, ctx, incoming.text ?? "") : notRegistered(actor);
      case "status":
        return unit ? handleStatus(cmd.period, ctx) : notRegistered(actor);
      case "tasks":
        return unit ? handleTasks(cmd.period, ctx) : notRegistered(actor);
      case "unknown":
        return handleHelp(ctx);
    }
  }

  async function processForm(incoming: Incoming, actor: Actor, form: ReportFormSubmission, delivered: Store): Promise<Reply> {
    const { unit } = await pickUnit(actor, undefined, form.unit);
    if (!unit) return notRegistered(actor);
    const obligations = await store.obligations(unit.id);
    const ctx = ctxFor(incoming, actor, delivered, unit, obligations);
    const problems: Problem[] = [];
    let period: Period = clock.openPeriod();
    if (form.period?.trim()) {
      const p = parsePeriod(form.period, { now: clock.now(), timeZone: clock.timeZone, openPeriod: clock.openPeriod() });
      if (p.ok) period = p.period;
      else problems.push(p.problem);
    }
    const byCode = new Map(obligations.indicators.map((i) => [i.code.toLowerCase(), i]));
    const values: ReportValue[] = [];
    for (const [code, raw] of Object.entries(form.values)) {
      if (!raw.trim()) continue; // an empty field means "not reported", not zero
      const indicator = byCode.get(code.toLowerCase());
      if (!indicator) {
        problems.push({ code: "unknown_indicator", raw: code, suggestions: [] });
        continue;
      }
      const brief = { indicatorId: indicator.id, code: indicator.code, name: indicator.name, unit: indicator.unit };
      const q = parseQuantity(raw, indicator);
      if (q.ok) values.push({ indicatorId: indicator.id, code: indicator.code, value: q.value, raw: raw.trim() });
      else if (q.code === "bad_number") problems.push({ code: "bad_number", raw, indicator: brief });
      else if (q.code === "missing_unit") problems.push({ code: "missing_unit", raw, indicator: brief, expectedUnit: q.expectedUnit });
      else problems.push({ code: "wrong_unit", raw, indicator: brief, expectedUnit: q.expectedUnit, givenUnit: q.givenUnit });
    }
    const narrative = { progress: blank(form.progress), problems: blank(form.problems), nextSteps: blank(form.nextSteps) };
    if (form.mode === "correct" && !blank(form.reason)) problems.push({ code: "missing_reason" });
    const typedAny = Object.values(form.values).some((v) => v.trim());
    if (!typedAny && !narrative.progress && !narrative.problems && !narrative.nextSteps) problems.push({ code: "empty_report" });
    const raw = `[form] ${JSON.stringify(form)}`;
    if (problems.length) {
      await store.audit({ actor: `${actor.platform}:${actor.tenant}:${actor.userId}`, platform: actor.platform, action: form.mode === "correct" ? "report.correct" : "report.submit", subject: `${unit.name}/${periodKey(period)}`, rawInput: raw, result: "rejected", details: { problems: problems.map((p) => p.code) } });
      return problemsReply(problems, actor.lang, obligations.indicators, period, form.mode);
    }
    const cmd =
      form.mode === "correct"
        ? { type: "correct" as const, period, periodExplicit: true, values, narrative, reason: blank(form.reason)! }
        : { type: "report" as const, period, periodExplicit: true, values, narrative };
    return handleReport(cmd, ctx, raw);
  }

  /** The prefilled form for one unit and period (this period's values, and the last ones before). */
  async function openFormFor(actor: Actor, unit: UnitRow, periodText: string | undefined, modeOpt: "report" | "correct" | undefined): Promise<ReportForm> {
      let period = clock.openPeriod();
      if (periodText) {
        const p = parsePeriod(periodText, { now: clock.now(), timeZone: clock.timeZone, openPeriod: period });
        if (p.ok) period = p.period;
      }
      const obligations = await store.obligations(unit.id);
      const key = periodKey(period);
      const current = await store.currentReport(unit.id, key);
      const before = await store.latestValues(unit.id, obligations.indicators.map((i) => i.id), key - 1);
      const zh = actor.lang === "zh";
      const mode = modeOpt ?? (current ? "correct" : "report");
      const form: ReportForm = {
        mode,
        unit: { id: unit.id, name: unit.name },
        period: { key: formatPeriod(period), label: periodLabel(period, actor.lang) },
        indicators: obligations.indicators.map((i) => {
          const now = current?.values.get(i.id);
          const last = before.get(i.id);
          return {
            code: i.code,
            name: i.name,
            unit: i.unit,
            kind: i.kind,
            last: last ? `${last.raw} (${periodLabelFromKey(last.period, actor.lang)})` : undefined,
            value: now?.raw,
          };
        }),
        narrative: {
          progress: current?.narrative.progress ?? undefined,
          problems: current?.narrative.problems ?? undefined,
          nextSteps: current?.narrative.nextSteps ?? undefined,
        },
        labels: zh
          ? { title: `${unit.name} ${periodLabel(period, "zh")} 填报`, submit: "提交", progress: "进展情况", problems: "存在问题", nextSteps: "下步计划", reason: "修改原因", period: "月份" }
          : { title: `${unit.name}: report for ${periodLabel(period, "en")}`, submit: "Submit", progress: "Progress", problems: "Problems", nextSteps: "Next steps", reason: "Reason for the correction", period: "Month" },
      };
      return form;
  }

  /** Keys of the deliveries being handled in this process: a second delivery of one is told so at once. */
  const inFlight = new Set<string>();

  function stillHandling(incoming: Incoming): Reply {
    const zh = (incoming.lang ?? "zh") === "zh";
    return { status: "info", title: zh ? "正在处理上一条相同的消息" : "Still handling the same message", lines: [], duplicate: true };
  }

  /** The recorded answer of a delivery handled before, marked as a duplicate. */
  async function recordedAnswer(incoming: Incoming, key: string): Promise<Reply | null> {
    const seen = await recordedDelivery(db, key);
    if (!seen) return null;
    return seen.reply ? { ...(JSON.parse(seen.reply) as Reply), duplicate: true } : stillHandling(incoming);
  }

  /**
   * Exactly once per delivery key (inbound-repository.ts): a key handled before gets its
   * recorded answer; a report records its answer in its own transaction (one commit per
   * report); any other answer is recorded once given. An answer with status "error" is
   * not recorded: nothing was stored, and the user's corrected resubmission (same Slack
   * view id, same card) must be checked afresh, not get the old errors back.
   */
  async function handle(incoming: Incoming): Promise<Reply> {
    const key = incoming.eventKey;
    if (!key) return dispatch(incoming, store);
    if (inFlight.has(key)) return stillHandling(incoming);
    inFlight.add(key);
    try {
      const before = await recordedAnswer(incoming, key);
      if (before) return before;
      let recorded = false;
      const delivery = { key, receivedAt: incoming.receivedAt };
      const delivered: Store = {
        ...store,
        submit: async (req, answer) => {
          const outcome = await store.submit({ ...req, delivery }, answer);
          if (answer) recorded = true;
          return outcome;
        },
      };
      const reply = await dispatch(incoming, delivered);
      if (!recorded && reply.status !== "error" && !(await recordDelivery(db, key, incoming.receivedAt, reply))) {
        // Another replica answered the same delivery meanwhile: its answer stands.
        return (await recordedAnswer(incoming, key)) ?? reply;
      }
      return reply;
    } catch (e) {
      if (e instanceof DuplicateDeliveryError) return (await recordedAnswer(incoming, key)) ?? stillHandling(incoming);
      throw e;
    } finally {
      inFlight.delete(key);
    }
  }

  /** Who, parse, handle: the answer to one delivery; an unexpected failure becomes an apology (nothing stored). */
  async function dispatch(incoming: Incoming, delivered: Store): Promise<Reply> {
    try {
      const actor = await resolveActor(incoming);
      return incoming.form ? await processForm(incoming, actor, incoming.form, delivered) : await processText(incoming, actor, delivered);
    } catch (e) {
      if (e instanceof DuplicateDeliveryError) throw e;
      deps.logger?.error({ err: e, platform: incoming.platform, user: incoming.userId }, "handling failed");
      const zh = (incoming.lang ?? "zh") === "zh";
      return {
        status: "error",
        title: zh ? "系统出错,这次没有保存,请稍后重发" : "Something went wrong; nothing was saved, please send it again",
        lines: [],
      };
    }
  }

  return {
    handle: (incoming) => limit(() => handle(incoming)),

    async openForm(who, opts = {}) {
      const actor = await resolveActor(who);
      const { unit } = await pickUnit(actor, undefined, opts.unit);
      if (!unit) return notRegistered(actor);
      return openFormFor(actor, unit, opts.period, opts.mode);
    },
  };
}

function blank(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}
