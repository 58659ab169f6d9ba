/** The bot as a real process (`talks-bot start`), with its stderr log lines watched as they come. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { BIN, cleanEnv } from "./run-cli.js";
import { e2eOnly } from "./test-project.js";

export interface BotProcess {
  readonly child: ChildProcess;
  /** The exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /**
   * Resolves when `times` log lines (default 1) match; rejects, with what the process printed, if it exits
   * first.
   */
  logged(pattern: RegExp, times?: number): Promise<void>;
  /** How many log lines so far match. */
  count(pattern: RegExp): number;
  stderr(): string;
}

export function startBotProcess(
  env: Record<string, string>,
  cwd: string,
  started: ChildProcess[],
): BotProcess {
  e2eOnly("The bot process");
  const child = spawn(process.execPath, [BIN, "start"], {
    cwd,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const count = (pattern: RegExp) => stderr.split("\n").filter((line) => pattern.test(line)).length;
  const logged = (pattern: RegExp, times = 1) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (times === 1 ? pattern.test(stderr) : count(pattern) >= times) {
          child.stderr?.off("data", check);
          resolve();
        }
      };
      child.stderr?.on("data", check);
      check();
      void exited.then((code) =>
        reject(new Error(`the bot exited (${code}) before logging ${pattern}:\n${stderr}`)),
      );
    });
  return { child, exited, logged, count, stderr: () => stderr };
}
