import { handleBind } from "../../handlers/bind.js";
import type { HandlerContext } from "../../handlers/context.js";
import { handleHelp } from "../../handlers/help.js";
import type { Actor, Clock, OwedIndicator, PlanRef, Store, UnitObligation, UnitRow } from "../../handlers/ports.js";
import { planName } from "../domain/obligations/obligations.js";
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
import { langOfText } from "../i18n/lang.js";
import { chatUserWords } from "../i18n/platform-words.js";
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
    const lang: Lang = who.lang ?? langOfText(who.text);
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
    const id = chatUserWords(actor, actor.lang);
    return {
      status: "denied",
      title: zh ? "您还没有登记为任何单位的联络员" : "You are not registered as any unit's liaison",
      lines: [zh ? `请把您的用户ID发给管理员，由管理员绑定到您的单位：${id}` : `Give your admin your user id, to be bound to your unit: ${id}`],
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

  function ctxFor(incoming: Incoming, actor: Actor, delivered: Store, unit?: UnitRow, obligations?: UnitObligation[], plan?: PlanRef): HandlerContext {
    return { incoming, actor, lang: actor.lang, store: delivered, clock, unit, obligations, ...(plan ? { plan } : {}) };
  }

  /** What the unit owes in `period`, per plan (only the named plan, when one is named). */
  async function obligationsFor(unit: UnitRow | undefined, period: Period, plan?: PlanRef): Promise<UnitObligation[]> {
    if (!unit) return [];
    const all = await store.obligations(unit.id, period);
    return plan ? all.filter((o) => o.plan.id === plan.id) : all;
  }

  async function processText(incoming: Incoming, actor: Actor, delivered: Store): Promise<Reply> {
    const { unit, rest } = await pickUnit(actor, incoming.text);
    const plans = await store.plans();
    const named = namePlan(rest ?? "", plans);
    const text = named.text;
    const simplified = toSimplified(text);
    if (unit && BARE_FORM_VERB.test(simplified)) {
      // "填报" / "上报" alone: the user wants the form (DingTalk card, local web form).
      const form = await openFormFor(actor, unit, undefined, "report", named.plan);
      return "indicators" in form ? { status: "info", title: form.labels.title, lines: [], form } : form;
    }
    const setting = SETTINGS_VERB.exec(toSimplified(rest ?? ""));
    if (setting) {
      // The settings command reads its own plan name (设置 示例 截止日 5).
      return handleSettings((rest ?? "").slice(setting[0].length), ctxFor(incoming, actor, delivered, unit), incoming.text ?? "");
    }
    const ranking = RANKING_VERB.exec(simplified);
    if (ranking) return handleRanking(text.slice(ranking[0].length), ctxFor(incoming, actor, delivered, unit, undefined, named.plan));

    const open = clock.openPeriod();
    const parseWith = (indicators: readonly OwedIndicator[]) =>
      parseCommand(text, { indicators, now: clock.now(), timeZone: clock.timeZone, openPeriod: open });
    // First read: the month the message is about (the indicators of every plan the unit has a role in).
    const roles = await obligationsFor(unit, open, named.plan);
    let parsed = parseWith(uniqueIndicators(roles));
    const type = parsed.ok ? parsed.command.type : parsed.partial?.type;
    const shown = parsed.ok ? parsed.command : parsed.partial;
    const period = shown && "period" in shown ? shown.period : open;
    const obligations = await obligationsFor(unit, period, named.plan);
    const ctx = ctxFor(incoming, actor, delivered, unit, obligations, named.plan);

    if (unit && (type === "report" || type === "correct")) {
      const owing = obligations.filter((o) => o.owes);
      if (!owing.length) return outsidePlans(ctx, period, obligations, incoming.text ?? "", type);
      // Second read: only the plans the month belongs to, so an indicator of an ended plan
      // (the same name in its successor) does not make the message ambiguous. The usual case
      // (every plan of the unit is in progress) needs no second read.
      if (owing.length !== roles.length || owing.some((o, i) => o.plan.id !== roles[i]!.plan.id)) parsed = parseWith(uniqueIndicators(owing));
      if (!parsed.ok) parsed = { ...parsed, problems: acrossPlans(parsed.problems, owing) };
    }
    if (!parsed.ok) {
      if (!unit && (type === "report" || type === "correct" || type === "status" || type === "tasks")) return notRegistered(actor);
      const owed = [...uniqueIndicators(obligations.filter((o) => o.owes))];
      const reply = problemsReply(parsed.problems, actor.lang, owed, period, type === "correct" ? "correct" : "report");
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

  /** A report for a month no plan of the unit covers: say which plans, and why (ended, not started). */
  async function outsidePlans(ctx: HandlerContext, period: Period, obligations: UnitObligation[], rawInput: string, type: "report" | "correct"): Promise<Reply> {
    const lang = ctx.actor.lang;
    const zh = lang === "zh";
    await store.audit({ actor: `${ctx.actor.platform}:${ctx.actor.tenant}:${ctx.actor.userId}`, platform: ctx.actor.platform, action: type === "correct" ? "report.correct" : "report.submit", subject: `${ctx.unit!.name}/${periodKey(period)}`, rawInput, result: "rejected", details: { problems: ["outside_plan"] } });
    if (!obligations.length) {
      return {
        status: "error",
        title: zh ? "没有保存：本单位没有需要报送的内容" : "Not saved: your unit has nothing to report",
        lines: [zh ? "本单位在各方案中没有牵头的工作事项，也没有分解到的指标。如有疑问请联系管理员。" : "Your unit leads no work item and holds no target share in any plan. Ask your admin if this looks wrong."],
      };
    }
    const problem: Problem = {
      code: "outside_plan",
      period,
      plans: obligations.map((o) => ({ name: planName(o.plan), start: o.plan.span.start, end: o.plan.span.end, position: o.position === "before" ? ("before" as const) : ("after" as const) })),
    };
    // The example names a month the unit did owe: the last of an ended plan, or the first of one to come.
    const o = obligations[0]!;
    const example = o.position === "before" ? o.plan.span.start : o.plan.span.end;
    return problemsReply([problem], lang, [...o.indicators], example, type);
  }

  async function processForm(incoming: Incoming, actor: Actor, form: ReportFormSubmission, delivered: Store): Promise<Reply> {
    const { unit } = await pickUnit(actor, undefined, form.unit);
    if (!unit) return notRegistered(actor);
    const problems: Problem[] = [];
    let period: Period = clock.openPeriod();
    if (form.period?.trim()) {
      const p = parsePeriod(form.period, { now: clock.now(), timeZone: clock.timeZone, openPeriod: clock.openPeriod() });
      if (p.ok) period = p.period;
      else problems.push(p.problem);
    }
    const plans = await store.plans();
    const named = form.plan ? plans.find((p) => p.code === form.plan) : undefined;
    const obligations = await obligationsFor(unit, period, named);
    const owing = obligations.filter((o) => o.owes);
    const mode = form.mode === "correct" ? "correct" : "report";
    const raw = `[form] ${JSON.stringify(form)}`;
    if (!owing.length) return outsidePlans(ctxFor(incoming, actor, delivered, unit, obligations, named), period, obligations, raw, mode);
    // A form is for one plan: the one it was opened for, else the first the unit owes in.
    const ob = owing[0]!;
    const ctx = ctxFor(incoming, actor, delivered, unit, [ob], named);
    const byCode = new Map(ob.indicators.map((i) => [i.code.toLowerCase(), i]));
    const values: ReportValue[] = [];
    for (const [code, rawValue] of Object.entries(form.values)) {
      if (!rawValue.trim()) continue; // an empty field means "not reported", not zero
      const indicator = byCode.get(code.toLowerCase());
      if (!indicator) {
        problems.push({ code: "unknown_indicator", raw: code, suggestions: [] });
        continue;
      }
      const brief = { indicatorId: indicator.id, code: indicator.code, name: indicator.name, unit: indicator.unit };
      const q = parseQuantity(rawValue, indicator);
      if (q.ok) values.push({ indicatorId: indicator.id, code: indicator.code, value: q.value, raw: rawValue.trim() });
      else if (q.code === "bad_number") problems.push({ code: "bad_number", raw: rawValue, indicator: brief });
      else if (q.code === "missing_unit") problems.push({ code: "missing_unit", raw: rawValue, indicator: brief, expectedUnit: q.expectedUnit });
      else problems.push({ code: "wrong_unit", raw: rawValue, indicator: brief, expectedUnit: q.expectedUnit, givenUnit: q.givenUnit });
    }
    const narrative = { progress: blank(form.progress), problems: blank(form.problems), nextSteps: blank(form.nextSteps) };
    if (form.mode === "correct" && !blank(form.reason)) problems.push({ code: "missing_reason" });
    const typedAny = Object.values(form.values).some((v) => v.trim());
    if (!typedAny && !narrative.progress && !narrative.problems && !narrative.nextSteps) problems.push({ code: "empty_report" });
    if (problems.length) {
      await store.audit({ actor: `${actor.platform}:${actor.tenant}:${actor.userId}`, platform: actor.platform, action: form.mode === "correct" ? "report.correct" : "report.submit", subject: `${unit.name}/${periodKey(period)}`, rawInput: raw, result: "rejected", details: { problems: problems.map((p) => p.code) } });
      return problemsReply(problems, actor.lang, [...ob.indicators], period, form.mode);
    }
    const cmd =
      form.mode === "correct"
        ? { type: "correct" as const, period, periodExplicit: true, values, narrative, reason: blank(form.reason)! }
        : { type: "report" as const, period, periodExplicit: true, values, narrative };
    return handleReport(cmd, ctx, raw);
  }

  /** The prefilled form for one unit, plan and period (this period's values, and the last ones before); a reply when nothing is owed. */
  async function openFormFor(actor: Actor, unit: UnitRow, periodText: string | undefined, modeOpt: "report" | "correct" | undefined, plan?: PlanRef): Promise<ReportForm | Reply> {
    let period = clock.openPeriod();
    if (periodText) {
      const p = parsePeriod(periodText, { now: clock.now(), timeZone: clock.timeZone, openPeriod: period });
      if (p.ok) period = p.period;
    }
    const obligations = await obligationsFor(unit, period, plan);
    const owing = obligations.filter((o) => o.owes);
    const ob = owing[0];
    if (!ob) {
      // Nothing owed that month: say why (the plan ended, it has not started, no role).
      const ctx = ctxFor({ platform: actor.platform, tenant: actor.tenant, userId: actor.userId, receivedAt: clock.now() }, actor, store, unit, obligations);
      return { ...(await handleStatus(period, ctx)), actions: undefined };
    }
    const key = periodKey(period);
    const current = await store.currentReport(ob.plan.id, unit.id, key);
    const before = await store.latestValues(unit.id, ob.indicators.map((i) => i.id), key - 1);
    const zh = actor.lang === "zh";
    const mode = modeOpt ?? (current ? "correct" : "report");
    const name = planName(ob.plan);
    const say = owing.length > 1 || ob.plan.example;
    return {
      mode,
      lang: actor.lang,
      unit: { id: unit.id, name: unit.name },
      plan: { code: ob.plan.code, name },
      period: { key: formatPeriod(period), label: periodLabel(period, actor.lang) },
      indicators: ob.indicators.map((i) => {
        const now = current?.values.get(i.id);
        const last = before.get(i.id);
        return {
          code: i.code,
          // The basis in the label: a liaison must see that 480 means January to October.
          name: i.basis === "ytd" ? (zh ? `${i.name}（1—${period.month}月累计）` : `${i.name} (Jan–${period.month} total)`) : i.name,
          unit: i.unit,
          kind: i.kind,
          last: last ? `${last.raw}（${periodLabelFromKey(last.period, actor.lang)}）` : undefined,
          value: now?.raw,
        };
      }),
      narrative: {
        progress: current?.narrative.progress ?? undefined,
        problems: current?.narrative.problems ?? undefined,
        nextSteps: current?.narrative.nextSteps ?? undefined,
      },
      labels: zh
        ? { title: `${unit.name} ${periodLabel(period, "zh")} 填报${say ? `（${name}）` : ""}`, submit: "提交", progress: "进展情况", problems: "存在问题", nextSteps: "下步计划", reason: "修改原因", period: "月份" }
        : { title: `${unit.name}: report for ${periodLabel(period, "en")}${say ? ` (${name})` : ""}`, submit: "Submit", progress: "Progress", problems: "Problems", nextSteps: "Next steps", reason: "Reason for the correction", period: "Month" },
    };
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
        submit: async (reqs, answer) => {
          const outcome = await store.submit(reqs.map((r) => ({ ...r, delivery })), answer);
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
        title: zh ? "系统出错，这次没有保存，请稍后重发" : "Something went wrong; nothing was saved, please send it again",
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
      const plan = opts.plan ? (await store.plans()).find((p) => p.code === opts.plan) : undefined;
      return openFormFor(actor, unit, opts.period, opts.mode, plan);
    },
  };
}

/**
 * The indicators of several plans, each once (a unit may owe one indicator through two roles).
 * The same array for the same obligations (the store keeps those): the grammar indexes an
 * indicator list once per array, and this runs on every message.
 */
const uniqueCache = new WeakMap<UnitObligation, Map<string, readonly OwedIndicator[]>>();
function uniqueIndicators(obligations: readonly UnitObligation[]): readonly OwedIndicator[] {
  if (obligations.length === 0) return [];
  if (obligations.length === 1) return obligations[0]!.indicators;
  let byRest = uniqueCache.get(obligations[0]!);
  if (!byRest) uniqueCache.set(obligations[0]!, (byRest = new Map()));
  const key = obligations.map((o) => `${o.plan.id}:${o.unitId}:${o.period.year * 100 + o.period.month}`).join(",");
  let list = byRest.get(key);
  if (!list) {
    const seen = new Map<number, OwedIndicator>();
    for (const o of obligations) for (const i of o.indicators) if (!seen.has(i.id)) seen.set(i.id, i);
    byRest.set(key, (list = [...seen.values()]));
  }
  return list;
}

const PLAN_VERBS = ["上报", "填报", "报送", "修改", "更正", "修正", "查询", "状态", "我的任务", "任务", "帮助", "report", "correct", "status", "tasks"].join("|");

/**
 * A plan named in a message: its short name (or code) right after the verb, or first
 * (上报 示例 新增工业机器人 260台, 查询 示例). Blanked out of the text, positions kept.
 */
function namePlan(text: string, plans: readonly PlanRef[]): { text: string; plan?: PlanRef } {
  if (plans.length < 2) return { text };
  const simplified = toSimplified(text);
  for (const p of plans) {
    for (const name of [p.shortName, p.code].filter((n) => n !== "")) {
      const at = planNamePattern(name).exec(simplified);
      if (at) {
        const start = at[1]!.length;
        return { text: text.slice(0, start) + " ".repeat(name.length) + text.slice(start + name.length), plan: p };
      }
    }
  }
  return { text };
}

/** Compiled once per plan name: namePlan runs on every message. */
const planNamePatterns = new Map<string, RegExp>();
function planNamePattern(name: string): RegExp {
  let re = planNamePatterns.get(name);
  if (!re) planNamePatterns.set(name, (re = new RegExp(`^(\\s*(?:(?:${PLAN_VERBS})\\s*)?)(${escapeRegExp(name)})(?=\\s|$)`, "iu")));
  return re;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}

/**
 * An indicator name matched in several plans in progress (a successor plan that keeps its
 * predecessor's names): the plan has to be named, not the indicator.
 */
function acrossPlans(problems: Problem[], owing: readonly UnitObligation[]): Problem[] {
  const planOf = new Map<number, string>();
  for (const o of owing) for (const i of o.indicators) planOf.set(i.id, planName(o.plan));
  return problems.map((p) => {
    if (p.code !== "ambiguous_indicator") return p;
    const plans = [...new Set(p.candidates.map((c) => planOf.get(c.indicatorId)).filter((n): n is string => n !== undefined))];
    return plans.length > 1 ? { code: "ambiguous_plan", raw: p.raw, plans } : p;
  });
}

function blank(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}
