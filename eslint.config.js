// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const platformAndDatabase = [
  { group: ["@slack/*"], message: "The domain and the handlers are platform-neutral: Slack lives in src/adapters/slack." },
  { group: ["dingtalk-stream", "@alicloud/*"], message: "DingTalk lives in src/adapters/dingtalk." },
  { group: ["@prisma/*", "**/generated/**", "**/persistence/**"], message: "Storage lives in src/persistence, behind the domain's ports." },
  { group: ["node-cron"], message: "Ticks live in src/scheduler." },
];

export default tseslint.config(
  { ignores: ["node_modules/", "src/generated/", "data/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", TextDecoder: "readonly", TextEncoder: "readonly", fetch: "readonly", WebAssembly: "readonly", AbortController: "readonly", queueMicrotask: "readonly", setImmediate: "readonly", performance: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["src/domain/**/*.ts", "handlers/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: platformAndDatabase }] },
  },
  {
    files: ["src/domain/**/*.ts"],
    rules: {
      "no-restricted-globals": ["error", { name: "process", message: "The domain takes what it needs as arguments (env, clock)." }],
    },
  },
);
