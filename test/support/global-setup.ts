/**
 * Before any test: build dist/ from the sources with `npm run build`'s own script, so the tests that run the
 * real `talks-bot` command (as `npm start` and `npx talks-bot` do, compiled) never run a stale build.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(process.execPath, ["src/tools/build.mjs"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
}
