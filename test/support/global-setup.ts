/**
 * Before any test: build dist/ from the sources, so the tests that run the real `talks-bot` binary (as
 * `npm start` and `npx talks-bot` do, compiled) never run a stale build.
 */
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  chmodSync(join(root, "dist", "src", "bin.js"), 0o755);
}
