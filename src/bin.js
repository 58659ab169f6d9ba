#!/usr/bin/env node
// Entry for `npm start`, `npx talks-bot` and the package scripts: loads the TypeScript sources through tsx
// so that a fresh clone runs without a build step (`npm run build` emits plain JavaScript to dist/ too).
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
