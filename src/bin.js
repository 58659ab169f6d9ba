#!/usr/bin/env node
// Entry for `npm start`, `npx talks-bot` and the package scripts: loads the TypeScript sources through tsx
// so that a fresh clone runs without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./cli.ts");
process.exitCode = await main(process.argv.slice(2));
