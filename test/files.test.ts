/**
 * What the bot reads at run time must be in the repository: a data file left out (an ignore rule catching it)
 * works on the machine that made it and breaks every fresh clone, CI and deployment.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/paths.js";

/** The folders the product reads data files from (besides its code). */
const DATA = ["corpus", "src/i18n", "src/calendar/data", "src/search/model"];

function files(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(PROJECT_ROOT, join(entry.parentPath, entry.name)));
}

describe("the repository", () => {
  it("holds every data file the bot reads at run time", () => {
    const tracked = new Set(
      execFileSync("git", ["ls-files", ...DATA], { cwd: PROJECT_ROOT, encoding: "utf8" }).split("\n"),
    );
    const untracked = DATA.flatMap(files).filter((file) => !tracked.has(file));
    expect(untracked).toEqual([]);
  });
});
