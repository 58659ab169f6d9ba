#!/usr/bin/env node
// `npm run build`, which `npm install` runs through `prepare`: compiles src/ and commands/ to plain JavaScript
// in dist/. It compiles into a fresh folder and swaps it in, so a failed build leaves the previous dist/
// whole, and nothing removed from the sources lingers in dist/. dist/.built records when; the `talks-bot`
// launcher (src/talks-bot.js) compares it with the sources.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = join(root, "dist");
const next = join(root, "dist.next");
const old = join(root, "dist.old");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

if (!existsSync(tsc)) {
  process.stderr.write(
    "build: TypeScript is not installed. It is a development dependency: install with `npm ci` (then `npm prune --omit=dev` if you want a smaller folder), not `npm ci --omit=dev`.\n",
  );
  process.exit(1);
}
rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", next], {
    cwd: root,
    stdio: "inherit",
  });
} catch {
  rmSync(next, { recursive: true, force: true });
  process.stderr.write("build: the TypeScript compiler failed (above); dist/ is unchanged.\n");
  process.exit(1);
}
chmodSync(join(next, "src", "bin.js"), 0o755);
writeFileSync(join(next, ".built"), `${new Date().toISOString()}\n`);
rmSync(old, { recursive: true, force: true });
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
