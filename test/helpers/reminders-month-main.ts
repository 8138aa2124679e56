/**
 * Child-process entry: `TZ=UTC node --import tsx test/helpers/reminders-month-main.ts sqlite`
 * runs the October walk and prints its result as JSON, with the process's zone it ran in.
 */
import type { Provider } from "../../src/persistence/migrations.js";
import { walkOctober } from "./reminders-month.js";

const provider = (process.argv[2] ?? "sqlite") as Provider;
const result = await walkOctober(provider);
process.stdout.write(JSON.stringify({ processZone: Intl.DateTimeFormat().resolvedOptions().timeZone, offsetMinutes: new Date("2026-10-08T01:00:00Z").getTimezoneOffset(), result }));
