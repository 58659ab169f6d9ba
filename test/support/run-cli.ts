import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { e2eOnly } from "./test-project.js";

/** The repository root and the CLI entry, as absolute paths (the CLI runs from a temp cwd). */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = fileURLToPath(new URL("../../src/talks-bot.js", import.meta.url));

/**
 * Settings the CLI reads from the environment; stripped from the child's environment so that the
 * developer's shell (or CI) cannot change what a test sees.
 */
const CONFIG_KEYS = new Set([
  "DATABASE_PATH",
  "RAMADAN_START",
  "LOG_LEVEL",
  "CORPUS_DIR",
  "CACHE_DIR",
  "DEFAULT_TIMEZONE",
  "REMINDER_GRACE_MINUTES",
  "ASK_COOLDOWN_SECONDS",
  "DATABASE_URL",
  "HOST_ID",
  "SHARD_LEASE_SECONDS",
  "DATABASE_STATEMENT_TIMEOUT_MS",
  "DATABASE_LOCK_TIMEOUT_MS",
  "SHARD_COUNT",
  "SHARD_ID",
  "TALKS_BOT_LANG",
]);

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Variables added to the clean environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the child's stdin, which is then closed (closed at once when absent). */
  readonly input?: string;
  /** Working directory; the sandbox's own folder by default. */
  readonly cwd?: string;
  /**
   * `spawn` only: closes the reading end of the child's stdout once this many lines have arrived, as
   * `| head -N` does; the child's later writes then fail with EPIPE.
   */
  readonly closeStdoutAfterLines?: number;
}

export interface CliSandbox {
  /** A temp folder with no `.env`: the child's cwd, so dotenv finds nothing to load. */
  readonly dir: string;
  /** A fresh path for a SQLite file inside {@link dir}. */
  databasePath(): string;
  /** A fresh empty folder inside {@link dir}. */
  mkdir(): string;
  /** Runs the CLI in this process, through `main(argv, io)` with its own streams and environment. */
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** Runs the real `talks-bot` binary as a child process (for the few end-to-end smoke tests). */
  spawn(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** Kills any child still running (a hung test) and removes the folder. */
  cleanup(): void;
}

/**
 * A copy of process.env without any DISCORD_* key or other talks-bot setting, on UTC: the console and the CLI
 * default to the machine's zone, which must not change what a test sees.
 */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("DISCORD_") || CONFIG_KEYS.has(key)) continue;
    env[key] = value;
  }
  return { ...env, TZ: "UTC", ...extra };
}

export function createCliSandbox(): CliSandbox {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-cli-"));
  const live = new Set<ChildProcess>();
  let counter = 0;

  const run = async (args: readonly string[], options: RunOptions = {}): Promise<CliResult> => {
    const collect = () => {
      const stream = new PassThrough();
      let text = "";
      stream.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
      });
      return { stream, text: () => text };
    };
    const stdout = collect();
    const stderr = collect();
    const code = await main([...args], {
      stdin: Readable.from(options.input ? [options.input] : []),
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: cleanEnv({ DATABASE_PATH: join(dir, "default.db"), ...options.env }),
      cwd: options.cwd ?? dir,
    });
    // Writes land in the collectors on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
  };

  const spawnRun = (args: readonly string[], options: RunOptions = {}): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      e2eOnly("The compiled talks-bot");
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: options.cwd ?? dir,
        env: cleanEnv({ DATABASE_PATH: join(dir, "default.db"), ...options.env }),
        stdio: ["pipe", "pipe", "pipe"],
      });
      live.add(child);
      let stdout = "";
      let stderr = "";
      const lines = options.closeStdoutAfterLines;
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (lines !== undefined && stdout.split("\n").length > lines) {
          stdout = stdout.split("\n").slice(0, lines).join("\n");
          child.stdout.destroy();
        }
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      // A child that exits before reading its input closes the pipe; that is not a test failure.
      child.stdin.on("error", () => {});
      child.stdin.end(options.input ?? "");
      child.on("error", (error) => {
        live.delete(child);
        reject(error);
      });
      child.on("close", (code, signal) => {
        live.delete(child);
        resolve({ code, signal, stdout, stderr });
      });
    });

  return {
    dir,
    databasePath: () => join(dir, `db-${++counter}.sqlite`),
    mkdir: () => {
      const path = join(dir, `dir-${++counter}`);
      mkdirSync(path);
      return path;
    },
    run,
    spawn: spawnRun,
    cleanup: () => {
      for (const child of live) if (child.pid !== undefined && child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
