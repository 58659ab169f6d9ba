/**
 * The real bot (discord.js 14, started as `npm start` starts it) against the fake Discord: what arrives on
 * the wire for every command, autocomplete, button and menu, and for the faults in RELIABILITY.md.
 */

import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { deployCommands } from "../src/discord/deploy.js";
import { botEnv, sentMessages, startTestBot, TEST_TOKEN, type TestBot, tempDir } from "./support/bot.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";
import { maskedLinks } from "./support/markdown-links.js";

let fake: FakeDiscord;
let bot: TestBot;
const dirs: { cleanup(): void }[] = [];

beforeAll(async () => {
  fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
  const dir = tempDir();
  dirs.push(dir);
  bot = await startTestBot(fake, { databasePath: join(dir.path, "bot.db") });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  for (const dir of dirs) dir.cleanup();
});

afterEach(() => {
  // Every message the bot sent, in every test: no mention parsed unless explicitly allowed, within limits.
  for (const { route, body } of sentMessages(fake)) {
    const mentions = body.allowed_mentions as { parse?: unknown[] } | undefined;
    expect(mentions, `${route} must carry allowed_mentions`).toBeDefined();
    expect(mentions?.parse, `${route} parses no mentions`).toEqual([]);
  }
  expect(fake.unknownRequests()).toEqual([]);
});

type Embed = {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
};
const embedOf = (reply: { data: { embeds?: unknown[] } }) => (reply.data.embeds?.[0] ?? {}) as Embed;
const customIds = (reply: { data: { components?: unknown[] } }) =>
  ((reply.data.components ?? []) as { components: { custom_id: string }[] }[]).flatMap((row) =>
    row.components.map((c) => c.custom_id),
  );

describe("start-up and registration", () => {
  it("identifies with the Guilds intent only and registers nothing when it starts", () => {
    const identify = fake.identifies.at(-1);
    expect(identify?.intents).toBe(1);
    expect(
      fake.requests.filter((r) => r.method === "PUT" && r.route.startsWith("PUT /applications")).length,
    ).toBe(1); // the test's own deploy
  });

  it("deploy:commands overwrites the dev guild's commands, or the global ones", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const out = new PassThrough();
    let printed = "";
    out.on("data", (chunk) => {
      printed += String(chunk);
    });
    const guildId = fake.guild().id;
    await deployCommands(
      loadConfig(botEnv(fake, join(dir.path, "x.db"), { DISCORD_GUILD_ID: guildId }), {
        requireDiscord: true,
      }),
      out,
    );
    expect(printed).toMatch(
      new RegExp(
        `Registered 8 command\\(s\\) to guild ${guildId}: “Ask talks-bot” \\(menu\\), /ask, /countdown, /help, /quote, /reminders, /sources, /status`,
      ),
    );
    const put = fake.requests
      .filter((r) => r.route === "PUT /applications/:app/guilds/:guild/commands")
      .at(-1);
    expect(((put?.body ?? []) as { name: string }[]).map((c) => c.name).sort()).toEqual([
      "Ask talks-bot",
      "ask",
      "countdown",
      "help",
      "quote",
      "reminders",
      "sources",
      "status",
    ]);
    const reminders = (
      (put?.body ?? []) as { name: string; default_member_permissions?: string; contexts?: number[] }[]
    ).find((c) => c.name === "reminders");
    expect(reminders?.default_member_permissions).toBe("32");
    expect(reminders?.contexts).toEqual([0]);

    printed = "";
    await deployCommands(loadConfig(botEnv(fake, join(dir.path, "x.db")), { requireDiscord: true }), out);
    expect(printed).toMatch(/^Registered 8 command\(s\) globally/);
    expect(fake.requests.at(-1)?.route).toBe("PUT /applications/:app/commands");

    printed = "";
    const devEnv = botEnv(fake, join(dir.path, "x.db"), { DISCORD_GUILD_ID: guildId });
    await deployCommands(loadConfig(devEnv, { requireDiscord: true }), out, { clear: true });
    expect(printed).toBe(`Removed every command from guild ${guildId}\n`);
    expect(fake.requests.at(-1)?.body).toEqual([]);
  });
});

describe("/ask", () => {
  it("answers with the sentence, the paragraph, the citation and buttons", async () => {
    const reply = await fake.command("ask", { question: "how many people fled to rafah" });
    expect(reply.callbackType).toBe(4);
    expect(reply.ephemeral).toBe(false);
    const embed = embedOf(reply);
    expect(embed.title).toBe("how many people fled to rafah");
    expect(embed.description).toContain("1.5 million displaced Gazans");
    expect(embed.fields?.[0]?.name).toBe("From the article (¶2)");
    expect(embed.fields?.find((f) => f.name === "Source")?.value).toMatch(/^CNN, .*22 February 2024.*¶2$/);
    expect(embed.footer?.text).toMatch(/^As of 22 February 2024/);
    expect(customIds(reply)).toEqual([
      expect.stringMatching(/^ask:more:/),
      expect.stringMatching(/^ask:up:/),
      expect.stringMatching(/^ask:down:/),
    ]);
  });

  it("says plainly when the coverage does not answer", async () => {
    const reply = await fake.command("ask", { question: "who won the super bowl" });
    expect(embedOf(reply).description).toMatch(/^The coverage I have doesn't say\./);
    expect(customIds(reply)).toEqual([]);
  });

  it("hide answers privately with a Post publicly button that posts it for everyone", async () => {
    const reply = await fake.command("ask", { question: "who is brokering the talks", hide: true });
    expect(reply.ephemeral).toBe(true);
    const publish = customIds(reply).find((id) => id.startsWith("ask:public:"));
    expect(publish).toBeDefined();
    const click = fake.interact(fake.build.button(publish ?? "", { message: reply.message }));
    const updated = await click.callback();
    expect(updated.callbackType).toBe(7);
    expect(customIds(updated).some((id) => id.startsWith("ask:public:"))).toBe(false);
    const posted = await click.response((r) => r.kind === "followup");
    expect(posted.ephemeral).toBe(false);
    expect(embedOf(posted).description).toBe(embedOf(reply).description);
    expect(customIds(posted)).toEqual([]);
  });

  it("More sources lists the next passages, privately", async () => {
    const reply = await fake.command("ask", { question: "rafah offensive" });
    const more = customIds(reply).find((id) => id.startsWith("ask:more:"));
    const sources = await fake.click(more ?? "", { message: reply.message });
    expect(sources.ephemeral).toBe(true);
    const fields = embedOf(sources).fields ?? [];
    expect(fields.length).toBeGreaterThanOrEqual(1);
    expect(fields.length).toBeLessThanOrEqual(4);
    for (const field of fields) expect(field.name).toMatch(/¶\d+/);
  });

  it("counts helpful / not helpful votes in the database, one per person", async () => {
    const reply = await fake.command("ask", { question: "what did kirby say about the un vote" });
    const up = customIds(reply).find((id) => id.startsWith("ask:up:")) ?? "";
    const down = customIds(reply).find((id) => id.startsWith("ask:down:")) ?? "";
    const thanks = await fake.click(up, { message: reply.message });
    expect(thanks.ephemeral).toBe(true);
    expect(thanks.data.content).toMatch(/Thanks/);
    await fake.click(down, { message: reply.message });
    const totals = await bot.ctx.feedback.feedbackTotals();
    expect(totals.helpful + totals.notHelpful).toBe(1);
    expect(totals.notHelpful).toBe(1);
  });

  it("pings only the mention target, and no one named in the question", async () => {
    const target = "222222222222222222";
    const reply = await fake.command("ask", {
      question:
        "@everyone @here <@&123456789012345678> <@111111111111111111> **who** is [mediating](https://evil.example)?",
      mention: target,
    });
    expect(reply.data.allowed_mentions).toEqual({ parse: [], users: [target] });
    expect(reply.data.content).toBe(`<@${target}>, here is what the coverage says.`);
    const title = embedOf(reply).title ?? "";
    expect(title).toContain("\\*\\*who\\*\\*");
    expect(title).toContain("\\[mediating]");
  });

  it("echoes a question, a speaker or a time zone with every masked link escaped and every bidi control neutralised", async () => {
    const links = "[a](https://good.example) [Source: CNN ¶3](https://evil.example/x)";
    const embedsText = (reply: { data: { embeds?: unknown[]; content?: string } }) =>
      [
        reply.data.content ?? "",
        ...((reply.data.embeds ?? []) as Embed[]).flatMap((e) => [
          e.title ?? "",
          e.description ?? "",
          e.footer?.text ?? "",
          ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
        ]),
      ].join("\n");
    const replies = [
      await fake.command("ask", { question: `who is mediating \u202e${links}` }),
      await fake.command("ask", { question: `rafah offensive ${links}` }, { locale: "ar" }),
      await fake.command("quote", { speaker: links }),
      await fake.command("quote", { speaker: "kirby", topic: `${links} \u2066x` }),
      await fake.command("countdown", { timezone: `${links}`.slice(0, 64) }),
    ];
    const ask = replies[0];
    const more = customIds(ask ?? { data: {} }).find((id) => id.startsWith("ask:more:"));
    if (more && ask) replies.push(await fake.click(more, { message: ask.message }));
    expect(replies).toHaveLength(6);
    expect(embedOf(replies[0] ?? { data: {} }).title).toContain("who is mediating");
    for (const reply of replies) {
      const text = embedsText(reply);
      expect(text).toMatch(/Source: CNN ¶3|\\\[a\]/);
      expect(maskedLinks(text).filter((url) => /good|evil/.test(url))).toEqual([]);
      // The bot's own isolates (FSI, RLI, PDI) stay; the ones typed (RLO, LRI) are shown as escapes.
      expect(text).not.toMatch(/[\u202a-\u202e\u2066]/);
    }
    expect(embedOf(replies[0] ?? { data: {} }).title).toContain("\\u202e");
  });

  it("refuses a 6000-character question with the limit, privately, and nothing is rejected by Discord", async () => {
    const reply = await fake.command("ask", { question: "ceasefire ".repeat(600) });
    expect(reply.ephemeral).toBe(true);
    expect(JSON.stringify(reply.data.embeds)).toMatch(/1,000 characters/);
    expect(fake.requests.filter((r) => (r.status ?? 0) >= 400)).toEqual([]);
  });

  it("refuses an empty question", async () => {
    const reply = await fake.command("ask", { question: "   " });
    expect(reply.ephemeral).toBe(true);
    expect(JSON.stringify(reply.data.embeds)).toMatch(/question/i);
  });

  it("autocomplete offers the typed text first, then answerable questions, within Discord's limits", async () => {
    const reply = await fake.autocomplete("ask", { question: "rafah" }, "question");
    const choices = (reply.data as { choices: { name: string; value: string }[] }).choices;
    expect(reply.callbackType).toBe(8);
    expect(choices[0]).toEqual({ name: "rafah", value: "rafah" });
    expect(choices.length).toBeGreaterThan(1);
    for (const input of ["", "x".repeat(6000), "🕊️ ceasefire 🕊️", "(.*+?[", "\u0000\u200b"]) {
      const weird = await fake.autocomplete("ask", { question: input }, "question");
      const list = (weird.data as { choices: { name: string; value: string }[] }).choices;
      expect(list.length).toBeLessThanOrEqual(25);
      for (const choice of list) {
        expect(choice.name.length).toBeGreaterThanOrEqual(1);
        expect(choice.name.length).toBeLessThanOrEqual(100);
        expect(choice.value.length).toBeLessThanOrEqual(100);
      }
    }
  });
});

describe("the other commands", () => {
  it("/status shows every section with paragraph citations and the as-of date", async () => {
    const reply = await fake.command("status");
    const embed = embedOf(reply);
    expect(embed.title).toBe("Where the talks stand (as of 22 February 2024)");
    expect(embed.fields?.map((f) => f.name)).toEqual([
      "The deal on the table",
      "Mediators",
      "Sticking points",
      "Latest moves",
      "Deadline",
      "Risks",
      "Source",
    ]);
    for (const field of embed.fields?.slice(0, -1) ?? []) {
      for (const line of field.value.split("\n")) expect(line).toMatch(/\(¶\d+(, ¶\d+)*\)$/);
    }
  });

  it("/quote finds a speaker by a typo and quotes verbatim with role and paragraph", async () => {
    const reply = await fake.command("quote", { speaker: "kriby" });
    const fields = embedOf(reply).fields ?? [];
    expect(fields[0]?.name).toBe("John Kirby, White House spokesman");
    expect(fields[0]?.value).toContain("would like to see these hostages home with their families");
    expect(fields[0]?.value).toMatch(/¶29$/);
  });

  it("/quote with an unknown speaker says so privately, with suggestions when close", async () => {
    const reply = await fake.command("quote", { speaker: "zelenskyy" });
    expect(reply.ephemeral).toBe(true);
    expect(embedOf(reply).title).toBe("Speaker not found");
    const close = await fake.command("quote", { speaker: "gants" });
    expect(JSON.stringify(close.data.embeds)).toMatch(/Gantz/);
    const far = await fake.command("quote", { speaker: "Blinken" });
    expect(embedOf(far).description).toMatch(
      /^Nobody called “Blinken” is quoted in the coverage\. It quotes .*\*\*John Kirby\*\*/,
    );
  });

  it("/quote with a misspelt speaker asks “did you mean” above the quotes it shows", async () => {
    const reply = await fake.command("quote", { speaker: "kriby" });
    expect(reply.ephemeral).toBe(false);
    const embed = embedOf(reply);
    expect(embed.description).toBe(
      "Nobody called “kriby” is quoted in the coverage. Did you mean **John Kirby**? Their quotes are below.",
    );
    expect(embed.fields?.every((f) => f.name.startsWith("John Kirby"))).toBe(true);
  });

  it("/quote speaker autocomplete lists speakers", async () => {
    const reply = await fake.autocomplete("quote", { speaker: "al" }, "speaker");
    const choices = (reply.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices.some((c) => c.name.includes("Al-Ansari"))).toBe(true);
  });

  it("/countdown gives a live Discord timestamp and why it matters", async () => {
    const reply = await fake.command("countdown", { timezone: "Asia/Jerusalem" });
    const embed = embedOf(reply);
    expect(embed.title).toMatch(/until Ramadan \d{4} AH$|^Day \d+ of Ramadan \d{4} AH$/);
    expect(embed.description).toMatch(/<t:\d+:R>/);
    expect(embed.fields?.[0]?.name).toBe("Why it matters");
    expect(embed.footer?.text).toContain("Asia/Jerusalem");
  });

  it("/countdown refuses a bad time zone privately", async () => {
    const reply = await fake.command("countdown", { timezone: "Mars/Olympus" });
    expect(reply.ephemeral).toBe(true);
    expect(JSON.stringify(reply.data.embeds)).toMatch(/Mars\/Olympus/);
  });

  it("/countdown timezone autocomplete shows local times", async () => {
    const reply = await fake.autocomplete("countdown", { timezone: "riyad" }, "timezone");
    const choices = (reply.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices[0]?.value).toBe("Asia/Riyadh");
    expect(choices[0]?.name).toMatch(/Asia\/Riyadh.*\d{2}:\d{2}/);
  });

  it("/help lists the sources and commands privately", async () => {
    const reply = await fake.command("help");
    expect(reply.ephemeral).toBe(true);
    const text = JSON.stringify(reply.data.embeds);
    expect(text).toContain("CNN");
    expect(text).toContain("/ask");
    expect(text).toContain("Ask talks-bot");
  });

  it("the message menu answers the message's text privately", async () => {
    const reply = await fake
      .interact(fake.build.messageCommand("Ask talks-bot", { content: "is netanyahu ready for a deal?" }))
      .reply();
    expect(reply.ephemeral).toBe(true);
    expect(embedOf(reply).description).toMatch(/Netanyahu/);
    const empty = await fake.interact(fake.build.messageCommand("Ask talks-bot", { content: "" })).reply();
    expect(empty.ephemeral).toBe(true);
    expect(JSON.stringify(empty.data.embeds)).toContain("That message has no text to ask about.");
  });

  it("/reminders in a DM says it is for servers", async () => {
    const reply = await fake.command("reminders show", {}, { dm: true });
    expect(reply.ephemeral).toBe(true);
    expect(JSON.stringify(reply.data.embeds)).toMatch(/use this command in a server/);
  });

  it("a command the bot no longer has gets a clear private answer", async () => {
    const reply = await fake
      .interact({ ...fake.build.command("ask", { question: "x" }), data: { id: "1", name: "gone", type: 1 } })
      .reply();
    expect(reply.ephemeral).toBe(true);
    expect(JSON.stringify(reply.data.embeds)).toMatch(/don't know that command/);
  });
});

describe("in the reader's language", () => {
  const ARABIC = /\p{Script=Arabic}/u;
  const HEBREW = /\p{Script=Hebrew}/u;
  const allText = (embed: Embed) =>
    [
      embed.title,
      embed.description,
      embed.footer?.text,
      ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]
      .filter(Boolean)
      .join("\n");

  it("registers every command's names and descriptions in Arabic and Hebrew, and Discord accepts them", () => {
    // The bulk overwrite as sent, and Discord's answer to it (the fake checks names, lengths and locales).
    const put = fake.requests
      .filter((r) => r.route.startsWith("PUT /applications/") && (r.body as unknown[]).length > 0)
      .at(-1);
    expect(put?.status).toBe(200);
    type Localized = {
      name: string;
      name_localizations?: Record<string, string>;
      description_localizations?: Record<string, string>;
      options?: Localized[];
    };
    const walk = (node: Localized, chatInput: boolean): void => {
      expect(node.name_localizations?.ar, node.name).toMatch(ARABIC);
      expect(node.name_localizations?.he, node.name).toMatch(HEBREW);
      if (chatInput) {
        expect(node.description_localizations?.ar, node.name).toMatch(ARABIC);
        expect(node.description_localizations?.he, node.name).toMatch(HEBREW);
      }
      for (const option of node.options ?? []) walk(option, chatInput);
    };
    const sent = put?.body as (Localized & { type?: number })[];
    expect(sent).toHaveLength(8);
    for (const command of sent) walk(command, (command.type ?? 1) === 1);
  });

  it("answers /countdown in Arabic for an Arabic-speaking member, with Discord's own timestamps", async () => {
    const reply = await fake.command("countdown", { timezone: "Asia/Gaza" }, { locale: "ar" });
    const embed = embedOf(reply);
    expect(embed.title).toMatch(/رمضان/);
    expect(allText(embed)).not.toMatch(/until Ramadan|begins at sunset/);
    expect(embed.description).toMatch(/<t:\d+:F>/);
    // The footer says what the dates rest on and where sunset is computed, in Arabic, naming Gaza.
    expect(embed.footer?.text).toMatch(ARABIC);
    expect(embed.footer?.text).toContain("Gaza");
  });

  it("answers /ask in Hebrew, quoting the coverage verbatim in English and saying so", async () => {
    const reply = await fake.command("ask", { question: "who is brokering the talks?" }, { locale: "he" });
    const embed = embedOf(reply);
    expect(embed.description).toMatch(HEBREW); // the "from the English original" label
    expect(embed.description).toMatch(/> .*[A-Za-z]{3,}/); // the quotation itself, in English
    expect(embed.fields?.map((f) => f.name).join(" ")).toMatch(HEBREW);
    expect(JSON.stringify(reply.data.components)).toMatch(HEBREW); // the buttons
  });

  it("answers a question typed in Arabic in Arabic: the coverage is English, and here is where the talks stand", async () => {
    const reply = await fake.command("ask", { question: "من يتوسط في المفاوضات؟" }, { locale: "en-US" });
    const [notice, status] = (reply.data.embeds ?? []) as Embed[];
    expect(notice?.description).toMatch(ARABIC);
    expect(notice?.description).toContain("/status");
    expect(status?.fields?.length).toBeGreaterThan(3);
    expect(allText(status ?? {})).toMatch(ARABIC);
  });

  it("explains a mistake in the member's language, privately", async () => {
    const reply = await fake.command("countdown", { timezone: "Mars/Olympus" }, { locale: "he" });
    expect(reply.ephemeral).toBe(true);
    expect(embedOf(reply).description).toMatch(HEBREW);
    expect(embedOf(reply).description).toContain("Mars/Olympus");
  });
});
