import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const PLAN_HANS = join(ROOT, "plans/jinhua-manufacturing-2021-2023.zh-Hans.txt");
export const PLAN_HANT = join(ROOT, "plans/jinhua-manufacturing-2021-2023.zh-Hant.txt");
