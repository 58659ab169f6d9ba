#!/usr/bin/env node
// The `talks-bot` command (`npm start`, `npx talks-bot`). It runs the compiled build, dist/src/bin.js, which
// `npm install` makes and `npm run build` remakes; this file only says so plainly when the build is missing
// (instead of "Cannot find module"), or older than the sources after a `git pull` without a rebuild.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = join(root, "dist", "src", "bin.js");
const built = statSync(join(root, "dist", ".built"), { throwIfNoEntry: false });

if (!existsSync(entry) || !built) {
  process.stderr.write(
    "talks-bot: the compiled build (dist/) is missing: run `npm run build` (`npm install` runs it; it needs the development dependencies)\n",
  );
  process.exit(1);
}

/** The newest modification time of the TypeScript sources the build compiles. */
function newestSource() {
  let newest = 0;
  for (const folder of ["src", "commands"]) {
    for (const name of readdirSync(join(root, folder), { recursive: true })) {
      if (!String(name).endsWith(".ts")) continue;
      newest = Math.max(newest, statSync(join(root, folder, String(name))).mtimeMs);
    }
  }
  return newest;
}

if (newestSource() > built.mtimeMs) {
  process.stderr.write(
    "talks-bot: note: the sources changed after the last build; this runs the build, not the changes (run `npm run build`)\n",
  );
}
await import(pathToFileURL(entry).href);
