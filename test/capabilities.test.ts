/**
 * Commands ask the invocation what its surface can do (`invocation.can`), never which surface it is: each
 * capability, switched on its own, changes what a command does, the same for Discord, the console and the CLI.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { renderText } from "../src/console/render.js";
import { UserFacingError } from "../src/errors.js";
import { english, langFor } from "../src/i18n/index.js";
import { createLogger } from "../src/logger.js";
import {
  type BotContext,
  type Capabilities,
  createInvocation,
  type Invocation,
  TERMINAL_CAPABILITIES,
} from "../src/runtime/command.js";
import { createContext } from "../src/runtime/context.js";
import { textMarkupFor } from "../src/views/markup.js";

const ANSWERED = "How many people have fled to Rafah?";

let cacheDir: string;
let ctx: BotContext;

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), "talks-bot-capabilities-"));
  ctx = await createContext({
    config: loadConfig({ CACHE_DIR: cacheDir, ASK_COOLDOWN_SECONDS: "60" }),
    logger: createLogger({ level: "silent" }),
  });
});

afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

function invocation(
  can: Partial<Capabilities>,
  init: Partial<Invocation> & { userId?: string } = {},
): Invocation {
  const lang = init.lang ?? english();
  return createInvocation({
    markup: textMarkupFor(lang),
    lang,
    userId: "member",
    ...init,
    can: { ...TERMINAL_CAPABILITIES, ...can },
  });
}

function command(name: string) {
  const found = ctx.commands.find((c) => c.data.name === name && (c.data.type ?? 1) === 1);
  if (!found) throw new Error(`no command ${name}`);
  return found;
}

async function refusal(run: () => unknown): Promise<UserFacingError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UserFacingError) return error;
    throw error;
  }
  throw new Error("expected a UserFacingError");
}

describe("capabilities on the invocation", () => {
  it("offerButtons: the answer is kept for its buttons only where they can be pressed", async () => {
    const ask = command("ask");
    const options = new Map([["question", ANSWERED]]);
    const before = ctx.answers.size;
    const plain = await ask.run(invocation({}, { userId: "a", options }), ctx);
    expect(plain.actions ?? []).toEqual([]);
    expect(ctx.answers.size).toBe(before);
    const withButtons = await ask.run(invocation({ offerButtons: true }, { userId: "b", options }), ctx);
    expect(withButtons.actions?.map((a) => a.kind)).toContain("more-sources");
    expect(ctx.answers.size).toBe(before + 1);
  });

  it("askWithoutCooldown: a member waits between questions; the operator does not", async () => {
    const ask = command("ask");
    const options = new Map([["question", ANSWERED]]);
    const member = invocation({ askWithoutCooldown: false }, { userId: "member-1", options });
    await ask.run(member, ctx);
    expect((await refusal(() => ask.run(member, ctx))).key).toBe("ask.error.cooldown");
    const operator = invocation({ askWithoutCooldown: true }, { userId: "operator", options });
    await ask.run(operator, ctx);
    await expect(Promise.resolve(ask.run(operator, ctx))).resolves.toBeDefined();
  });

  it("showLocalizedNames: /help lists the commands by the reader's names, or the English ones", async () => {
    const help = command("help");
    const arabic = langFor("ar");
    const localized = renderText(
      await help.run(
        invocation({ showLocalizedNames: true }, { lang: arabic, markup: textMarkupFor(arabic) }),
        ctx,
      ),
    );
    const inEnglish = renderText(
      await help.run(
        invocation({ showLocalizedNames: false }, { lang: arabic, markup: textMarkupFor(arabic) }),
        ctx,
      ),
    );
    expect(localized).toContain("العد_التنازلي");
    expect(localized).not.toMatch(/\bcountdown\b/);
    expect(inEnglish).toMatch(/\bcountdown\b/);
    expect(inEnglish).not.toContain("العد_التنازلي");
  });

  it("runInServers: a server command outside a server says where it works", async () => {
    const reminders = command("reminders");
    const inDiscord = await refusal(() =>
      reminders.run(invocation({ runInServers: true }, { subcommand: "show" }), ctx),
    );
    expect(inDiscord.key).toBe("reminders.error.inServer");
    const atTerminal = await refusal(() =>
      reminders.run(invocation({ runInServers: false }, { subcommand: "show" }), ctx),
    );
    expect(atTerminal.key).toBe("reminders.error.consoleOnly");
  });
});
