import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding package.json and corpus/: found by walking up from this module, so the same code
 * works from the TypeScript sources (src/) and from the compiled build (dist/src/).
 */
export const PROJECT_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "corpus"))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error("talks-bot: cannot find the project folder (package.json and corpus/)");
    dir = parent;
  }
})();

/** The corpus shipped with the bot, used when CORPUS_DIR is not set. */
export const DEFAULT_CORPUS_DIR: string = join(PROJECT_ROOT, "corpus");
