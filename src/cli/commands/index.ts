import type { Command } from "../command.js";
import { indicatorList, planExport, planImport, planShow, planTemplate } from "./plan.js";
import { planExtend } from "./plan-extend.js";
import { exampleRemove, exampleReset } from "./example.js";
import { auditList, configCheck, dbMigrate } from "./system.js";
import { calendarAdd, calendarList, calendarRemove, remindRun, remindStatus, scheduleList, scheduleSet, scheduleShow } from "./reminders.js";
import { digestPost, digestShow } from "./digest.js";
import { exportCommand, rankingCompute, rankingExplain, rankingPost } from "./rankings.js";
import { periodClose, periodOpen, reportList, reportShow } from "./reports.js";
import { bindCommand, bindingList, unbindCommand, unitList } from "./units.js";

/** Every CLI command, in the order `duban --help` lists them. */
export const COMMANDS: Command[] = [
  planShow,
  planImport,
  planExport,
  planExtend,
  planTemplate,
  exampleReset,
  exampleRemove,
  unitList,
  indicatorList,
  bindCommand,
  unbindCommand,
  bindingList,
  reportList,
  reportShow,
  periodClose,
  periodOpen,
  scheduleShow,
  scheduleList,
  scheduleSet,
  remindRun,
  remindStatus,
  calendarList,
  calendarAdd,
  calendarRemove,
  rankingCompute,
  rankingPost,
  rankingExplain,
  exportCommand,
  digestShow,
  digestPost,
  auditList,
  configCheck,
  dbMigrate,
];
