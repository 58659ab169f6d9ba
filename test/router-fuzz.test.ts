/**
 * Arbitrary interactions through the real bot and the fake Discord: any command name, subcommand and option
 * values (lone surrogates, bidi marks, control characters, 6,000-character strings, wrong types, ids that
 * exist nowhere), autocomplete on any option, and buttons with any custom id. Whatever arrives:
 * - nothing gets past the router (no "router failed" log, every interaction answered),
 * - every message the bot sends is within Discord's limits (the fake answers 400 otherwise),
 * - no message pings anyone (`allowed_mentions.parse` is empty and names no one),
 * - storage is unchanged unless the reply says it saved.
 * `FUZZ_RUNS` sets the number of interactions (default 300 in `npm test`; `npm run fuzz` runs 10,000).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCALES, langFor } from "../src/i18n/index.js";
import { startTestBot, TEST_TOKEN, type TestBot } from "./support/bot.js";
import { type FakeDiscord, type InteractionPayload, startFakeDiscord } from "./support/fake-discord.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const MOD_PERMISSIONS = ["ManageGuild", "ViewChannel", "SendMessages"] as const;

let fake: FakeDiscord;
let bot: TestBot;

beforeAll(async () => {
  fake = await startFakeDiscord({ token: TEST_TOKEN });
  bot = await startTestBot(fake, { env: { ASK_COOLDOWN_SECONDS: "0" } });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

/** Strings people and broken clients send: any code unit, bidi and control characters, huge ones. */
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\ud800",
    "\udfff rafah",
    "\u202e\u2066who is mediating\u2069",
    "\u001b[31mred\u001b[0m",
    "\u0000\u0007\u0008",
    "@everyone @here <@&1> <@1>",
    "[x](https://evil.example) `code` **bold**",
    "x".repeat(6000),
    "🙂".repeat(3000),
    "مرحبا",
    "who is brokering the talks",
    "Asia/Riyadh",
    "07:00",
    "2027-02-08",
    "99999999999999999999999",
  ),
);

const value = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const commandPaths = [
  "ask",
  "status",
  "quote",
  "countdown",
  "help",
  "sources",
  "reminders set",
  "reminders show",
  "reminders off",
  "reminders preview",
  "reminders test",
];
const optionNames = [
  "question",
  "hide",
  "speaker",
  "topic",
  "timezone",
  "channel",
  "time",
  "role",
  "day_offset",
  "start_date",
  "language",
  "city",
  "method",
  "page",
  "nope",
];

interface Case {
  readonly kind: "command" | "autocomplete" | "button";
  readonly path: string;
  readonly options: readonly (readonly [string, unknown])[];
  readonly customId: string;
  readonly moderator: boolean;
  /** The member's Discord locale, and the server's: talks-bot's languages and others. */
  readonly locale: string;
  readonly guildLocale: string;
}

const LOCALE = fc.constantFrom("en-US", "en-GB", "ar", "he", "fr", "ja", "zh-TW");

const cases: fc.Arbitrary<Case> = fc.record({
  kind: fc.constantFrom("command", "command", "autocomplete", "button"),
  path: fc.oneof(fc.constantFrom(...commandPaths), fc.constantFrom("unknown", "ask extra")),
  options: fc.array(fc.tuple(fc.constantFrom(...optionNames), value), { maxLength: 5 }),
  customId: fc.oneof(nasty, fc.constantFrom("ask:more:x", "ask:up:", "ask:public:zzz", "nope:1:2", "ask")),
  moderator: fc.boolean(),
  locale: LOCALE,
  guildLocale: LOCALE,
});

/** A syntactically real interaction of the fake, with the options replaced by the fuzzed ones. */
function payloadFor(c: Case): InteractionPayload {
  const ctx = {
    ...(c.moderator ? { permissions: MOD_PERMISSIONS } : {}),
    locale: c.locale,
    guildLocale: c.guildLocale,
  };
  if (c.kind === "button") return fake.build.button(c.customId.slice(0, 100), ctx);
  const [name = "ask", sub] = c.path.split(" ");
  const payload = fake.build.command("status", {}, ctx);
  const options = c.options.map(([option, v], i) => ({
    name: option,
    // Discord's option types: 3 string, 4 integer, 5 boolean, 10 number; a wrong one now and then.
    type: typeof v === "boolean" ? 5 : typeof v === "number" ? (Number.isInteger(v) ? 4 : 10) : 3,
    value: v,
    ...(c.kind === "autocomplete" && i === 0 ? { focused: true } : {}),
  }));
  payload.type = c.kind === "autocomplete" ? 4 : 2;
  payload.data = {
    ...(payload.data as object),
    name,
    options: sub ? [{ name: sub, type: 1, options }] : options,
  };
  return payload;
}

const SAVED = LOCALES.map((l) => langFor(l.code).t("reminders.saved.title"));
const NOT_SAVED = LOCALES.map((l) => langFor(l.code).t("error.notSaved.title"));

describe("any interaction through the router", () => {
  it(`answers ${RUNS} arbitrary interactions within every limit, pinging no one, saving nothing it does not say`, async () => {
    const guildId = fake.guild().id;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const before = JSON.stringify(await bot.ctx.storage?.getReminder(guildId));
        const handle = fake.interact(payloadFor(c));
        const reply = await handle.reply(15_000);
        const said = JSON.stringify(reply.data ?? {});
        // "Saved" and "not saved" in whichever language the reply is in.
        const saved = SAVED.some((title) => said.includes(title)) && !NOT_SAVED.some((t) => said.includes(t));
        if (!saved) {
          expect(JSON.stringify(await bot.ctx.storage?.getReminder(guildId))).toBe(before);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20240222) },
    );
    // Nothing escaped the router, and Discord refused nothing the bot sent for being malformed.
    expect(bot.logs.filter((l) => l.msg === "interaction router failed")).toEqual([]);
    const refused = fake.requests.filter((r) => r.status === 400);
    expect(refused.map((r) => ({ route: r.route, response: r.response }))).toEqual([]);
    for (const request of fake.requests) {
      const body = request.body as { data?: Record<string, unknown> } & Record<string, unknown>;
      const message = request.route.endsWith("/callback") ? body?.data : body;
      const mentions = message?.allowed_mentions as
        | { parse?: unknown[]; users?: unknown[]; roles?: unknown[] }
        | undefined;
      if (!message || !("embeds" in message || "content" in message)) continue;
      expect(mentions?.parse ?? [], request.route).toEqual([]);
      expect(mentions?.users ?? [], request.route).toEqual([]);
      expect(mentions?.roles ?? [], request.route).toEqual([]);
    }
    expect(fake.unansweredInteractions()).toEqual([]);
  });
});
