/** What the benchmarks that start bot processes share: how `npm start` runs Node, the minimal bot, and RSS. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The minimal discord.js bot the bot's figures are compared with, as its own process. */
export const MINIMAL_BOT = fileURLToPath(new URL("minimal-bot.mjs", import.meta.url));

/** The arguments `npm start` gives node (its `start` script, without the leading `node`). */
export function startScriptArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.split(/\s+/);
  if (node !== "node") throw new Error(`the start script does not run node directly: ${pkg.scripts.start}`);
  return args;
}

/** A process's resident memory now and at its peak (`/proc/<pid>/status`), in KiB. */
export function procStatus(pid: number): { rssKb: number; hwmKb: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? Number.NaN);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}
