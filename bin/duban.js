#!/usr/bin/env node
// The `duban` command. Runs the TypeScript sources through tsx (a runtime
// dependency), so there is no build step between `npm install` and use.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/index.ts");
