import type { Clock } from "../../handlers/ports.js";
import { currentPeriod } from "../domain/report/parse-period.js";
import { addMonths } from "../domain/report/types.js";

/**
 * Time for the handlers. The period open for reporting is the month before the
 * current one: monthly data are due early in the following month (domain.md).
 * Issue #4's schedules will make the window configurable.
 */
export function systemClock(timeZone: string, now: () => Date = () => new Date()): Clock {
  return {
    now,
    timeZone,
    openPeriod: () => addMonths(currentPeriod(now(), timeZone), -1),
  };
}
