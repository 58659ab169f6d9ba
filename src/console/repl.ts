import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { UserFacingError } from "../errors.js";
import { english, type Lang } from "../i18n/index.js";
import { type BotContext, createInvocation } from "../runtime/command.js";
import { forTerminal } from "../text/terminal.js";
import { textMarkupFor } from "../views/markup.js";
import { parseLine } from "./parse.js";
import { renderText } from "./render.js";

/** Runs one console line (a slash command as typed in Discord) and returns the text to show. */
export async function runConsoleLine(line: string, ctx: BotContext, lang: Lang = english()): Promise<string> {
  const trimmed = line.trim();
  // A bare question is the most common thing to type: treat it as /ask.
  const text = trimmed.startsWith("/") ? trimmed : `/ask question: ${trimmed}`;
  const parsed = parseLine(text, ctx.commands);
  const invocation = createInvocation({
    markup: textMarkupFor(lang),
    lang,
    userId: "console",
    subcommand: parsed.subcommand,
    options: parsed.options,
  });
  return forTerminal(renderText(await parsed.command.run(invocation, ctx)));
}

export interface ConsoleIo {
  readonly input: Readable;
  readonly output: Writable;
  readonly error: Writable;
  /** Show a prompt and banner (a person at a terminal), or just answer each line (a pipe). */
  readonly interactive: boolean;
  /** The language replies are written in (default English). */
  readonly lang?: Lang;
}

const QUIT = new Set(["/quit", "/exit", "quit", "exit"]);

/**
 * The local console: type slash commands as in Discord and see the same content as text.
 * Bad input prints a message to stderr and the console keeps going; it ends at end of input.
 */
export async function runConsole(ctx: BotContext, io: ConsoleIo): Promise<number> {
  const lang = io.lang ?? english();
  const lines = createInterface({ input: io.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const prompt = () => {
    if (io.interactive) io.output.write("talks-bot> ");
  };
  if (io.interactive) {
    io.output.write(`${lang.t("console.banner")}\n`);
  }
  prompt();
  for await (const line of lines) {
    const trimmed = line.trim();
    if (QUIT.has(trimmed.toLowerCase())) break;
    if (trimmed.length > 0 && !trimmed.startsWith("#")) {
      try {
        io.output.write(`${await runConsoleLine(trimmed, ctx, lang)}\n`);
      } catch (error) {
        if (error instanceof UserFacingError) {
          io.error.write(
            `${forTerminal(lang.t("console.error", { message: error.textIn(lang, textMarkupFor(lang).escape) }))}\n`,
          );
        } else {
          ctx.logger.error({ err: error, line: trimmed.slice(0, 200) }, "console command failed");
          io.error.write(`${lang.t("console.bug")}\n`);
        }
      }
    }
    prompt();
  }
  lines.close();
  return 0;
}
