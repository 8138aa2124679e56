/**
 * A plan's reminder schedule: the reporting window, who is reminded, the
 * reminder ladder, quiet hours, the send time, the task-force group, catch-up.
 *
 * Decisions:
 * - A fixed due day is 1–28. 29–31 are rejected (not clamped to the month's
 *   last day): a deadline officials can state in one sentence ("每月5日前") must
 *   fall on the same day every month, and a monthly figure due at the very end
 *   of the following month defeats 月度监测 anyway.
 * - The Nth working day is 1–10 (every month has at least 15 working days, and
 *   monthly data are due early in the following month).
 * - The window opens on day 1–28, before the due date: opensOnDay < due day for
 *   a fixed day, opensOnDay ≤ N for the Nth working day (the Nth working day is
 *   never earlier than day N, so the opening comes first or on the same day).
 * - Quiet hours: start === end means no quiet hours at night ("免打扰 关");
 *   start > end wraps midnight (20:00–08:00).
 * - At least one of leadUnits / shareholders is reminded, else the ladder would
 *   only ever reach the task force.
 *
 * Validation messages are English sentences for the CLI and logs; the chat
 * path (`applySetting`) returns problem codes with data, worded at the edge.
 */
import { z } from "zod";
import { toHalfWidth, parseChineseNumeral } from "../plan/numbers.js";
import { toSimplified } from "../plan/script.js";
import { formatTimeOfDay, parseTimeOfDay } from "../calendar/civil-date.js";

export const FIXED_DAY_MAX = 28;
export const NTH_WORKDAY_MAX = 10;
export const BEFORE_DUE_MAX = 10;
export const REPEAT_EVERY_MAX = 20;
export const MAX_REPEATS_MAX = 50;
export const MAX_LATE_HOURS_MAX = 168;

const timeOfDay = z
  .string()
  .refine((s) => parseTimeOfDay(s) !== null, { message: "must be a time of day written HH:MM (24-hour clock), e.g. 09:00" });

/** A chat id: no spaces, nothing a paste could smuggle in. Platform syntax is checked by the adapter. */
const chatId = z
  .string()
  .trim()
  .regex(/^[\w+/=:.@-]{1,128}$/u, { message: "must be a channel or conversation id without spaces" });

export const dueRuleSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("fixed_day"),
    day: z
      .number()
      .int({ message: "due.day must be a whole day of the month" })
      .min(1, { message: "due.day must be at least 1" })
      .max(FIXED_DAY_MAX, {
        message: `due.day must be between 1 and ${FIXED_DAY_MAX}: a fixed due day must exist in every month (February has 28 days); use { kind: "nth_workday" } for a later deadline`,
      }),
  }),
  z.object({
    kind: z.literal("nth_workday"),
    n: z
      .number()
      .int({ message: "due.n must be a whole number" })
      .min(1, { message: "due.n must be at least 1 (the first working day)" })
      .max(NTH_WORKDAY_MAX, { message: `due.n must be at most ${NTH_WORKDAY_MAX}: monthly data are due early in the following month` }),
  }),
]);

export type DueRule = z.infer<typeof dueRuleSchema>;

const intIn = (min: number, max: number, what: string) =>
  z
    .number()
    .int({ message: `${what} must be a whole number` })
    .min(min, { message: `${what} must be between ${min} and ${max}` })
    .max(max, { message: `${what} must be between ${min} and ${max}` });

const windowSchema = z.object({
  opensOnDay: intIn(1, FIXED_DAY_MAX, "window.opensOnDay").default(1),
  due: dueRuleSchema.default({ kind: "fixed_day", day: 5 }),
  /** 遇节假日顺延: a fixed due day on a non-working day moves to the next working day. */
  rollForward: z.boolean().default(true),
});

const recipientsSchema = z.object({
  /** Lead units (列第一位的为牵头单位) for the work items they lead. */
  leadUnits: z.boolean().default(true),
  /** Counties / the zone holding a share of a target (任务分解). */
  shareholders: z.boolean().default(true),
});

const ladderSchema = z.object({
  opening: z.boolean().default(true),
  /** Working days before the due date; 0 = no such reminder. */
  beforeDueWorkdays: intIn(0, BEFORE_DUE_MAX, "ladder.beforeDueWorkdays").default(2),
  dueDay: z.boolean().default(true),
  escalateAfterDue: z.boolean().default(true),
  repeatEveryWorkdays: intIn(1, REPEAT_EVERY_MAX, "ladder.repeatEveryWorkdays").default(2),
  /** Repeats after the first escalation; absent = until the escalation phase ends. */
  maxRepeats: intIn(0, MAX_REPEATS_MAX, "ladder.maxRepeats").optional(),
});

const quietHoursSchema = z.object({
  start: timeOfDay.default("20:00"),
  end: timeOfDay.default("08:00"),
  /** Nothing on weekends, holidays … only on working days (make-up Saturdays included). */
  skipNonWorkdays: z.boolean().default(true),
});

const taskforceSchema = z.object({
  slack: chatId.optional(),
  /** DingTalk openConversationId of the group. */
  dingtalk: chatId.optional(),
});

const catchUpSchema = z.object({
  maxLateHours: intIn(0, MAX_LATE_HOURS_MAX, "catchUp.maxLateHours").default(24),
});

/** The cross-field rules, shared by the schema and `applySetting`. */
export type ConfigConflict =
  | { code: "opens_not_before_due"; opensOnDay: number; due: DueRule }
  | { code: "no_recipients" };

export function configConflicts(c: {
  window: { opensOnDay: number; due: DueRule };
  recipients: { leadUnits: boolean; shareholders: boolean };
}): ConfigConflict[] {
  const out: ConfigConflict[] = [];
  const { opensOnDay, due } = c.window;
  const ok = due.kind === "fixed_day" ? opensOnDay < due.day : opensOnDay <= due.n;
  if (!ok) out.push({ code: "opens_not_before_due", opensOnDay, due });
  if (!c.recipients.leadUnits && !c.recipients.shareholders) out.push({ code: "no_recipients" });
  return out;
}

export const scheduleConfigSchema = z
  .object({
    window: windowSchema.prefault({}),
    recipients: recipientsSchema.prefault({}),
    ladder: ladderSchema.prefault({}),
    quietHours: quietHoursSchema.prefault({}),
    sendAt: timeOfDay.default("09:00"),
    taskforce: taskforceSchema.prefault({}),
    catchUp: catchUpSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    for (const conflict of configConflicts(c)) {
      if (conflict.code === "opens_not_before_due") {
        const due = conflict.due.kind === "fixed_day" ? `day ${conflict.due.day}` : `working day ${conflict.due.n}`;
        ctx.addIssue({
          code: "custom",
          path: ["window", "opensOnDay"],
          message: `window.opensOnDay (${conflict.opensOnDay}) must come before the due date (${due}): the window has to open before reports are due`,
        });
      } else {
        ctx.addIssue({
          code: "custom",
          path: ["recipients"],
          message: "recipients: at least one of leadUnits and shareholders must be true, else no unit is ever reminded",
        });
      }
    }
  });

export type ScheduleConfig = z.output<typeof scheduleConfigSchema>;
export type ScheduleConfigInput = z.input<typeof scheduleConfigSchema>;

/** The bundled plan's schedule: window opens on the 1st, due on the 5th (顺延), 09:00, quiet 20:00–08:00. */
export const DEFAULT_SCHEDULE: ScheduleConfig = scheduleConfigSchema.parse({});

export interface ConfigIssue {
  /** "window.due.day" */
  path: string;
  message: string;
}

/** Validates stored or CLI-supplied JSON; missing fields take the defaults. */
export function parseScheduleConfig(input: unknown): { ok: true; config: ScheduleConfig } | { ok: false; issues: ConfigIssue[] } {
  const r = scheduleConfigSchema.safeParse(input);
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  };
}

// ---------------------------------------------------------------------------
// `设置 <key> <value>`: the admin chat / CLI syntax

export const SETTING_KEYS = ["due", "opens", "before", "repeat", "quiet", "sendAt", "taskforce", "rollForward", "catchUp"] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** What a value was expected to look like, for the edge to word an example. */
export type ExpectedForm =
  | "day_or_workday" // 5 / 第5个工作日
  | "day" // 1
  | "workdays" // 2
  | "repeat" // 2 / 每2个工作日 最多3次
  | "time_range" // 20:00-08:00 / 关
  | "time" // 09:00
  | "platform_id" // slack C0123 / 钉钉 cid…
  | "on_off" // 开 / 关
  | "hours"; // 24

export type SettingProblem =
  | { code: "unknown_key"; key: string; known: readonly SettingKey[] }
  | { code: "bad_value"; key: SettingKey; value: string; expected: ExpectedForm }
  | { code: "out_of_range"; key: SettingKey; value: number; min: number; max: number }
  | { code: "unknown_platform"; key: "taskforce"; value: string; known: readonly ["slack", "dingtalk"] }
  | ({ key: SettingKey } & ConfigConflict);

export type SettingResult = { ok: true; key: SettingKey; config: ScheduleConfig } | { ok: false; problem: SettingProblem };

/** Aliases as normalised (Simplified, half-width, lower-case, no spaces). */
const KEY_ALIASES: Record<string, SettingKey> = {
  截止日: "due", 截止: "due", 截止日期: "due", 报送截止: "due", due: "due", deadline: "due",
  开始日: "opens", 开始: "opens", 开放日: "opens", opens: "opens", open: "opens", opensonday: "opens",
  提前: "before", 提前提醒: "before", before: "before", beforedue: "before",
  重复: "repeat", 重复提醒: "repeat", 催办间隔: "repeat", repeat: "repeat",
  免打扰: "quiet", 勿扰: "quiet", quiet: "quiet", quiethours: "quiet",
  发送时间: "sendAt", 提醒时间: "sendAt", 时间: "sendAt", sendat: "sendAt", send: "sendAt", time: "sendAt",
  专班群: "taskforce", 专班: "taskforce", taskforce: "taskforce",
  顺延: "rollForward", 节假日顺延: "rollForward", rollforward: "rollForward", roll: "rollForward",
  补发: "catchUp", 补发时限: "catchUp", catchup: "catchUp",
};

function normalise(s: string): string {
  return toSimplified(toHalfWidth(s)).trim().toLowerCase();
}

/** "5", "五", "05" → 5; anything else NaN. */
function readInt(s: string): number {
  if (/^\d{1,4}$/u.test(s)) return Number(s);
  if (/^[零〇一二两三四五六七八九十百]+$/u.test(s)) return parseChineseNumeral(s);
  return Number.NaN;
}

const NUM = "(\\d{1,4}|[零〇一二两三四五六七八九十]{1,3})";

/** "9:00", "09:00", "9点", "9点30", "9点半" → minutes after midnight, or null. */
function readTime(s: string): number | null {
  const colon = /^(\d{1,2}):(\d{2})$/u.exec(s);
  const cn = colon ? null : /^(\d{1,2})点(?:(\d{1,2})分?|(半))?$/u.exec(s);
  let h: number;
  let min: number;
  if (colon) {
    h = Number(colon[1]);
    min = Number(colon[2]);
  } else if (cn) {
    h = Number(cn[1]);
    min = cn[3] ? 30 : Number(cn[2] ?? 0);
  } else {
    return null;
  }
  return h > 23 || min > 59 ? null : h * 60 + min;
}

// No digits here: "重复 0" must not silently mean "escalations off".
const OFF_WORDS = new Set(["关", "关闭", "无", "不", "否", "off", "none", "no", "false"]);
const ON_WORDS = new Set(["开", "开启", "打开", "是", "on", "yes", "true"]);

type Patch = { ok: true; config: ScheduleConfig } | { ok: false; problem: SettingProblem };

function rangeCheck(key: SettingKey, value: number, min: number, max: number): SettingProblem | null {
  return value >= min && value <= max ? null : { code: "out_of_range", key, value, min, max };
}

function setDue(c: ScheduleConfig, v: string, raw: string): Patch {
  const workday =
    new RegExp(`^第?${NUM}个?工作日$`, "u").exec(v) ??
    new RegExp(`^(?:workday|working\\s*day|wd)\\s*${NUM}$`, "u").exec(v) ??
    /^(\d{1,2})(?:st|nd|rd|th)?\s*(?:workday|working\s*day)$/u.exec(v);
  if (workday) {
    const n = readInt(workday[1] as string);
    const bad = rangeCheck("due", n, 1, NTH_WORKDAY_MAX);
    if (bad) return { ok: false, problem: bad };
    return { ok: true, config: { ...c, window: { ...c.window, due: { kind: "nth_workday", n } } } };
  }
  const day = new RegExp(`^(?:每月)?${NUM}(?:日|号)?(?:前)?$`, "u").exec(v) ?? /^(?:day\s*)?(\d{1,2})$/u.exec(v);
  if (!day) return { ok: false, problem: { code: "bad_value", key: "due", value: raw, expected: "day_or_workday" } };
  const d = readInt(day[1] as string);
  const bad = rangeCheck("due", d, 1, FIXED_DAY_MAX);
  if (bad) return { ok: false, problem: bad };
  return { ok: true, config: { ...c, window: { ...c.window, due: { kind: "fixed_day", day: d } } } };
}

function setOpens(c: ScheduleConfig, v: string, raw: string): Patch {
  const m = new RegExp(`^(?:每月)?${NUM}(?:日|号)?$`, "u").exec(v) ?? /^(?:day\s*)?(\d{1,2})$/u.exec(v);
  if (!m) return { ok: false, problem: { code: "bad_value", key: "opens", value: raw, expected: "day" } };
  const d = readInt(m[1] as string);
  const bad = rangeCheck("opens", d, 1, FIXED_DAY_MAX);
  if (bad) return { ok: false, problem: bad };
  return { ok: true, config: { ...c, window: { ...c.window, opensOnDay: d } } };
}

function setBefore(c: ScheduleConfig, v: string, raw: string): Patch {
  if (OFF_WORDS.has(v)) return { ok: true, config: { ...c, ladder: { ...c.ladder, beforeDueWorkdays: 0 } } };
  const m = new RegExp(`^${NUM}\\s*(?:个?工作日|天|日|workdays?|working\\s*days?|days?)?$`, "u").exec(v);
  if (!m) return { ok: false, problem: { code: "bad_value", key: "before", value: raw, expected: "workdays" } };
  const n = readInt(m[1] as string);
  const bad = rangeCheck("before", n, 0, BEFORE_DUE_MAX);
  if (bad) return { ok: false, problem: bad };
  return { ok: true, config: { ...c, ladder: { ...c.ladder, beforeDueWorkdays: n } } };
}

function setRepeat(c: ScheduleConfig, v: string, raw: string): Patch {
  if (OFF_WORDS.has(v)) return { ok: true, config: { ...c, ladder: { ...c.ladder, escalateAfterDue: false } } };
  const m = new RegExp(
    `^(?:每|every\\s*)?${NUM}\\s*(?:个?工作日|天|日|workdays?|working\\s*days?|days?)?` +
      `(?:\\s*[,;，]?\\s*(?:最多|max|at\\s*most)\\s*${NUM}\\s*(?:次|times)?)?$`,
    "u",
  ).exec(v);
  if (!m) return { ok: false, problem: { code: "bad_value", key: "repeat", value: raw, expected: "repeat" } };
  const every = readInt(m[1] as string);
  const bad = rangeCheck("repeat", every, 1, REPEAT_EVERY_MAX);
  if (bad) return { ok: false, problem: bad };
  const ladder: ScheduleConfig["ladder"] = { ...c.ladder, escalateAfterDue: true, repeatEveryWorkdays: every };
  if (m[2] !== undefined) {
    const max = readInt(m[2]);
    const badMax = rangeCheck("repeat", max, 0, MAX_REPEATS_MAX);
    if (badMax) return { ok: false, problem: badMax };
    ladder.maxRepeats = max;
  } else {
    // A new interval without a limit means "until they report": an old limit would surprise.
    delete ladder.maxRepeats;
  }
  return { ok: true, config: { ...c, ladder } };
}

function setQuiet(c: ScheduleConfig, v: string, raw: string): Patch {
  if (OFF_WORDS.has(v)) return { ok: true, config: { ...c, quietHours: { ...c.quietHours, start: "00:00", end: "00:00" } } };
  const parts = v.split(/\s*(?:-|~|–|—|至|到|to)\s*/u);
  const start = parts.length === 2 ? readTime(parts[0] as string) : null;
  const end = parts.length === 2 ? readTime(parts[1] as string) : null;
  if (start === null || end === null) return { ok: false, problem: { code: "bad_value", key: "quiet", value: raw, expected: "time_range" } };
  return { ok: true, config: { ...c, quietHours: { ...c.quietHours, start: formatTimeOfDay(start), end: formatTimeOfDay(end) } } };
}

function setSendAt(c: ScheduleConfig, v: string, raw: string): Patch {
  const t = readTime(v);
  if (t === null) return { ok: false, problem: { code: "bad_value", key: "sendAt", value: raw, expected: "time" } };
  return { ok: true, config: { ...c, sendAt: formatTimeOfDay(t) } };
}

const PLATFORM_WORDS: Record<string, "slack" | "dingtalk"> = { slack: "slack", dingtalk: "dingtalk", 钉钉: "dingtalk", ding: "dingtalk" };

function setTaskforce(c: ScheduleConfig, raw: string): Patch {
  // Ids are case-sensitive: split the raw text, normalise only the platform word.
  const m = /^\s*([^\s:：]+)\s*[:：\s]\s*(\S+)\s*$/u.exec(toHalfWidth(raw));
  if (!m) return { ok: false, problem: { code: "bad_value", key: "taskforce", value: raw, expected: "platform_id" } };
  const platform = PLATFORM_WORDS[normalise(m[1] as string)];
  if (!platform) return { ok: false, problem: { code: "unknown_platform", key: "taskforce", value: m[1] as string, known: ["slack", "dingtalk"] } };
  const id = m[2] as string;
  const taskforce = { ...c.taskforce };
  if (OFF_WORDS.has(normalise(id))) {
    delete taskforce[platform];
  } else {
    if (!chatId.safeParse(id).success) return { ok: false, problem: { code: "bad_value", key: "taskforce", value: raw, expected: "platform_id" } };
    taskforce[platform] = id;
  }
  return { ok: true, config: { ...c, taskforce } };
}

function setRollForward(c: ScheduleConfig, v: string, raw: string): Patch {
  const on = ON_WORDS.has(v) ? true : OFF_WORDS.has(v) ? false : null;
  if (on === null) return { ok: false, problem: { code: "bad_value", key: "rollForward", value: raw, expected: "on_off" } };
  return { ok: true, config: { ...c, window: { ...c.window, rollForward: on } } };
}

function setCatchUp(c: ScheduleConfig, v: string, raw: string): Patch {
  const m = new RegExp(`^${NUM}\\s*(?:个?小时|h|hours?)?$`, "u").exec(v);
  if (!m) return { ok: false, problem: { code: "bad_value", key: "catchUp", value: raw, expected: "hours" } };
  const h = readInt(m[1] as string);
  const bad = rangeCheck("catchUp", h, 0, MAX_LATE_HOURS_MAX);
  if (bad) return { ok: false, problem: bad };
  return { ok: true, config: { ...c, catchUp: { maxLateHours: h } } };
}

/** The canonical key for what an admin typed (设置 截止日 …, 設置 due …), or null. */
export function settingKey(key: string): SettingKey | null {
  return KEY_ALIASES[normalise(key).replace(/\s+/gu, "")] ?? null;
}

/**
 * One `设置 <key> <value>` change. Pure: returns a new config (the input is not
 * touched) or one problem. Cross-field rules are checked on the result, so
 * "截止日 1" with the window opening on the 1st is refused, not stored.
 */
export function applySetting(config: ScheduleConfig, key: string, value: string): SettingResult {
  const k = settingKey(key);
  if (!k) return { ok: false, problem: { code: "unknown_key", key: key.trim(), known: SETTING_KEYS } };
  const v = normalise(value);
  let r: Patch;
  switch (k) {
    case "due": r = setDue(config, v, value); break;
    case "opens": r = setOpens(config, v, value); break;
    case "before": r = setBefore(config, v, value); break;
    case "repeat": r = setRepeat(config, v, value); break;
    case "quiet": r = setQuiet(config, v, value); break;
    case "sendAt": r = setSendAt(config, v, value); break;
    case "taskforce": r = setTaskforce(config, value); break;
    case "rollForward": r = setRollForward(config, v, value); break;
    case "catchUp": r = setCatchUp(config, v, value); break;
  }
  if (!r.ok) return r;
  const conflict = configConflicts(r.config)[0];
  if (conflict) return { ok: false, problem: { key: k, ...conflict } };
  return { ok: true, key: k, config: r.config };
}
