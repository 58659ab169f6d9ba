/**
 * Daily reminders end to end: a moderator sets them by interaction, the test's clock passes the slot, and
 * the real scheduler posts through the fake Discord exactly once, through restarts, errors and DST.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findCity } from "../src/calendar/places.js";
import { dayTimes } from "../src/calendar/prayer.js";
import { localParts } from "../src/calendar/time.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { sampleReminder, startTestBot, TEST_TOKEN, type TestBot, TestClock, tempDir } from "./support/bot.js";
import { type FakeDiscord, guildIdForShard, startFakeDiscord } from "./support/fake-discord.js";

let fake: FakeDiscord | undefined;
const bots: TestBot[] = [];
const dirs: { cleanup(): void }[] = [];
const MOD = { permissions: ["ManageGuild", "ViewChannel", "SendMessages"] as const };

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  await fake?.close();
  fake = undefined;
  for (const dir of dirs.splice(0)) dir.cleanup();
});

async function setup(startAt: string, env: Record<string, string> = {}) {
  const clock = new TestClock(Date.parse(startAt));
  fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
  const dir = tempDir();
  dirs.push(dir);
  const databasePath = join(dir.path, "bot.db");
  const bot = await startTestBot(fake, { clock, databasePath, env });
  bots.push(bot);
  const general = fake.findChannel("general");
  return { fake, bot, clock, general, databasePath };
}

const posts = (f: FakeDiscord, channelId: string) =>
  f.requests.filter((r) => r.route === "POST /channels/:id/messages" && r.params.id === channelId);
const text = (reply: { data: { embeds?: unknown[]; content?: string } }) => JSON.stringify(reply.data);

describe("/reminders set and the daily post", () => {
  it("posts exactly once at the slot, through a second tick and a restart", async () => {
    const { fake, bot, clock, general, databasePath } = await setup("2026-03-01T04:00:00Z");
    const set = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "asia/jerusalem" },
      MOD,
    );
    expect(set.ephemeral).toBe(true);
    // 07:00 in Jerusalem (UTC+2 in early March) is 05:00 UTC.
    expect(text(set)).toContain(`<t:${Date.parse("2026-03-01T05:00:00Z") / 1000}:F>`);
    expect(text(set)).toContain("Asia/Jerusalem");

    clock.set("2026-03-01T04:59:00Z");
    expect((await bot.scheduler.tick()).posted).toEqual([]);
    clock.set("2026-03-01T05:00:20Z");
    expect((await bot.scheduler.tick()).posted).toEqual([fake.guild().id]);
    expect((await bot.scheduler.tick()).posted).toEqual([]);
    const [post] = posts(fake, general.id);
    const body = post?.body as {
      nonce: string;
      enforce_nonce: boolean;
      allowed_mentions: unknown;
      embeds: { title: string; fields: { name: string; value: string }[] }[];
    };
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce.length).toBeLessThanOrEqual(25);
    expect(body.allowed_mentions).toEqual({ parse: [], roles: [] });
    // 1 March 2026 is during Ramadan 1447 (first fast 18 February).
    expect(body.embeds[0]?.title).toBe("Daily countdown: Day 12 of Ramadan 1447 AH");
    expect(body.embeds[0]?.fields.find((f) => f.name === "From the coverage")?.value).toMatch(
      /¶\d+ · as of 22 February 2024$/,
    );

    await bot.stop();
    bots.splice(bots.indexOf(bot), 1);
    clock.set("2026-03-01T05:03:00Z");
    const restarted = await startTestBot(fake, { clock, databasePath, deploy: false });
    bots.push(restarted);
    expect((await restarted.scheduler.tick()).posted).toEqual([]);
    expect(posts(fake, general.id)).toHaveLength(1);

    const shown = await fake.command("reminders show", {}, MOD);
    expect(text(shown)).toContain("Active");
    expect(text(shown)).toContain(`https://discord.com/channels/${fake.guild().id}/${general.id}/`);
    expect(text(shown)).toContain(`<t:${Date.parse("2026-03-02T05:00:00Z") / 1000}:F>`);

    clock.set("2026-03-02T05:00:00Z");
    expect((await restarted.scheduler.tick()).posted).toEqual([fake.guild().id]);
    expect(posts(fake, general.id)).toHaveLength(2);
  });

  it("pings the configured role and no one else", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z");
    const role = fake.guild().roles.find((r) => r.id !== fake?.guild().id);
    expect(role).toBeDefined();
    await fake.command(
      "reminders set",
      { channel: general.id, time: "08:00", timezone: "UTC", role: role?.id ?? "" },
      MOD,
    );
    clock.set("2026-12-01T08:00:00Z");
    await bot.scheduler.tick();
    const body = posts(fake, general.id)[0]?.body as { content: string; allowed_mentions: unknown };
    expect(body.content).toBe(`<@&${role?.id}>`);
    expect(body.allowed_mentions).toEqual({ parse: [], roles: [role?.id] });
  });

  it("catches up within the grace window after downtime, and skips the day beyond it", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z", {
      REMINDER_GRACE_MINUTES: "120",
    });
    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    clock.set("2026-12-01T08:30:00Z"); // 90 minutes late: inside the grace window
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    clock.set("2026-12-02T09:30:00Z"); // 150 minutes late: the day is skipped, and logged
    expect((await bot.scheduler.tick()).skipped).toHaveLength(1);
    expect(posts(fake, general.id)).toHaveLength(1);
    expect(bot.logs.some((l) => String(l.msg).includes("skipping that day"))).toBe(true);
    clock.set("2026-12-03T07:00:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
  });

  it("posts once at the first valid minute when the time falls in a spring-forward gap", async () => {
    const { fake, bot, clock, general } = await setup("2026-03-08T04:00:00Z");
    await fake.command(
      "reminders set",
      { channel: general.id, time: "02:30", timezone: "America/New_York" },
      MOD,
    );
    clock.set("2026-03-08T06:59:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(0);
    clock.set("2026-03-08T07:00:00Z"); // 03:00 EDT, right after the gap
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    clock.set("2026-03-08T08:00:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(0);
  });
});

describe("Discord errors", () => {
  it("pauses on Missing Permissions, shows why, stops requesting, and set clears it", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z");
    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    fake.failNext("POST /channels/:id/messages", {
      status: 403,
      code: 50013,
      message: "Missing Permissions",
    });
    clock.set("2026-12-01T07:00:00Z");
    expect((await bot.scheduler.tick()).paused).toHaveLength(1);
    const shown = await fake.command("reminders show", {}, MOD);
    expect(text(shown)).toContain("Paused: Missing Permissions");
    const before = posts(fake, general.id).length;
    clock.set("2026-12-02T07:00:00Z");
    await bot.scheduler.tick();
    expect(posts(fake, general.id)).toHaveLength(before);

    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    expect(text(await fake.command("reminders show", {}, MOD))).toContain("Active");
    clock.set("2026-12-02T07:01:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
  });

  it("a deleted channel (Unknown Channel) pauses too", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z");
    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    fake.deleteChannel(general.id);
    clock.set("2026-12-01T07:00:00Z");
    expect((await bot.scheduler.tick()).paused).toHaveLength(1);
    const reminder = await bot.ctx.storage?.getReminder(fake.guild().id);
    expect(reminder?.pausedReason).toMatch(/^(unknown-channel|missing-access)$/);
  });

  it("an outage (5xx) is retried on the next tick and never pauses", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z");
    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    fake.failNext("POST /channels/:id/messages", { status: 503, times: 10 });
    clock.set("2026-12-01T07:00:00Z");
    expect((await bot.scheduler.tick()).failed).toHaveLength(1);
    const reminder = await bot.ctx.storage?.getReminder(fake.guild().id);
    expect(reminder?.pausedReason).toBeNull();
    expect(reminder?.lastError).toMatch(/503/);
    fake.clearFaults();
    clock.set("2026-12-01T07:01:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    expect(fake.messagesIn(general.id)).toHaveLength(1);
  });

  it("a 429 then 200 gives one message, after the wait", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z");
    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    fake.failNext("POST /channels/:id/messages", { status: 429, retryAfter: 0.3 });
    clock.set("2026-12-01T07:00:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    expect(posts(fake, general.id).map((r) => r.status)).toEqual([429, 200]);
    expect(fake.messagesIn(general.id)).toHaveLength(1);
  });

  it("a response lost after Discord created the message is retried with the same nonce: one message", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z");
    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    fake.resetConnectionNext("POST /channels/:id/messages");
    clock.set("2026-12-01T07:00:00Z");
    await bot.scheduler.tick();
    const attempts = posts(fake, general.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((r) => (r.body as { nonce: string }).nonce)).size).toBe(1);
    expect(fake.messagesIn(general.id)).toHaveLength(1);
  });

  it("removes the reminder when the bot leaves the server", async () => {
    const { fake, bot, general } = await setup("2026-12-01T06:00:00Z");
    await fake.command("reminders set", { channel: general.id, time: "07:00", timezone: "UTC" }, MOD);
    const guildId = fake.guild().id;
    fake.guildDelete(guildId);
    await expect.poll(() => bot.ctx.storage?.getReminder(guildId), { timeout: 5000 }).toBeNull();
  });
});

describe("moderator checks: nothing is saved", () => {
  it("refuses a member without Manage Server", async () => {
    const { fake, bot, general } = await setup("2026-12-01T06:00:00Z");
    const reply = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "UTC" },
      { permissions: ["SendMessages"] },
    );
    expect(reply.ephemeral).toBe(true);
    expect(text(reply)).toContain("Manage Server");
    expect(await bot.ctx.storage?.getReminder(fake.guild().id)).toBeNull();
  });

  it.each([
    ["7pm", "UTC", "Time must be HH:MM in 24-hour form, 00:00–23:59"],
    ["24:00", "UTC", "Time must be HH:MM"],
    ["07:60", "UTC", "Time must be HH:MM"],
    ["07:00", "Mars/Olympus", "Mars/Olympus"],
    ["07:00", "+03:00", "IANA"],
  ])("refuses time %j in zone %j", async (time, timezone, message) => {
    const { fake, bot, general } = await setup("2026-12-01T06:00:00Z");
    const reply = await fake.command("reminders set", { channel: general.id, time, timezone }, MOD);
    expect(reply.ephemeral).toBe(true);
    expect(text(reply)).toContain(message);
    expect(await bot.ctx.storage?.getReminder(fake.guild().id)).toBeNull();
  });

  it("refuses a channel where the bot cannot post, naming the missing permission", async () => {
    const { fake, bot } = await setup("2026-12-01T06:00:00Z");
    const guild = fake.guild();
    const botRole = guild.members.find((m) => m.user.id === fake?.botUser.id)?.roles[0] ?? guild.id;
    const locked = fake.createChannel(guild.id, {
      name: "locked",
      permissionOverwrites: [{ id: botRole, type: "role", deny: ["SendMessages"] }],
    });
    const reply = await fake.command(
      "reminders set",
      { channel: locked.id, time: "07:00", timezone: "UTC" },
      MOD,
    );
    expect(text(reply)).toContain("missing Send Messages");
    expect(await bot.ctx.storage?.getReminder(guild.id)).toBeNull();
  });

  it("checks permissions on a channel fetched from Discord: the bot keeps no channels, and only its own member", async () => {
    const { fake, bot, general } = await setup("2026-12-01T06:00:00Z");
    const guild = fake.guild();
    await fake.command("ask", { question: "who is brokering the talks?" });
    const set = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "UTC" },
      MOD,
    );
    expect(await bot.ctx.storage?.getReminder(guild.id)).toMatchObject({ channelId: general.id });
    expect(text(set)).not.toContain("missing");
    expect(fake.requests.some((r) => r.route === "GET /channels/:id" && r.params.id === general.id)).toBe(
      true,
    );
    const cached = bot.client.guilds.cache.get(guild.id);
    expect(bot.client.channels.cache.size).toBe(0);
    expect(cached?.channels.cache.size).toBe(0);
    expect([...(cached?.members.cache.keys() ?? [])]).toEqual([fake.botUser.id]);
    expect([...bot.client.users.cache.keys()]).toEqual([fake.botUser.id]);
    expect(cached?.roles.cache.size).toBe(guild.roles.length);
  });

  it("refuses a channel of another server, whatever Discord resolved, and saves nothing", async () => {
    const clock = new TestClock(Date.parse("2026-12-01T06:00:00Z"));
    fake = await startFakeDiscord({ token: TEST_TOKEN, guilds: [{ name: "Ours" }, { name: "Theirs" }] });
    const [ours, theirs] = fake.guilds;
    if (!ours || !theirs) throw new Error("two guilds expected");
    const bot = await startTestBot(fake, { clock });
    bots.push(bot);
    const elsewhere = fake.findChannel("general", theirs.id);
    const reply = await fake.command(
      "reminders set",
      { channel: elsewhere.id, time: "07:00", timezone: "UTC" },
      { ...MOD, guildId: ours.id },
    );
    expect(reply.ephemeral).toBe(true);
    expect(text(reply)).toContain("That channel is not in this server");
    expect(await bot.ctx.storage?.getReminder(ours.id)).toBeNull();
    expect(await bot.ctx.storage?.getReminder(theirs.id)).toBeNull();
  });

  it("answers a channel id that is not a Discord id with a clear message, not a generic apology", async () => {
    const { fake, bot, general } = await setup("2026-12-01T06:00:00Z");
    const payload = fake.build.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "UTC" },
      MOD,
    );
    const subcommands = (payload.data?.options ?? []) as { options: { name: string; value: unknown }[] }[];
    const channel = subcommands[0]?.options.find((o) => o.name === "channel");
    if (!channel || !payload.data) throw new Error("channel option expected");
    channel.value = "not-a-channel";
    delete (payload.data as { resolved?: unknown }).resolved;
    const reply = await fake.interact(payload).reply();
    expect(reply.ephemeral).toBe(true);
    expect(text(reply)).toContain("is not a Discord id");
    expect(text(reply)).not.toContain("Something went wrong");
    expect(await bot.ctx.storage?.getReminder(fake.guild().id)).toBeNull();
  });

  it("refuses a voice channel", async () => {
    const { fake, bot } = await setup("2026-12-01T06:00:00Z");
    const voice = fake.findChannel("Voice");
    const reply = await fake.command(
      "reminders set",
      { channel: voice.id, time: "07:00", timezone: "UTC" },
      MOD,
    );
    expect(text(reply)).toContain("text or announcement channel");
    expect(await bot.ctx.storage?.getReminder(fake.guild().id)).toBeNull();
  });

  it("off stops posting, keeps the settings, and preview/test work", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T06:00:00Z");
    await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "UTC", day_offset: 1 },
      MOD,
    );
    const preview = await fake.command("reminders preview", {}, MOD);
    expect(preview.ephemeral).toBe(true);
    expect(text(preview)).toContain("Umm al-Qura dates shifted by +1 day");
    const test = await fake.command("reminders test", {}, MOD);
    expect(text(test)).toContain("Test post sent");
    expect(fake.messagesIn(general.id)).toHaveLength(1);
    // A channel post carries no interaction flag (ephemeral) and no buttons, as Discord's API requires.
    const [sent] = posts(fake, general.id);
    expect(sent?.body).not.toHaveProperty("flags");
    expect(sent?.body).not.toHaveProperty("components");
    const off = await fake.command("reminders off", {}, MOD);
    expect(text(off)).toContain("Daily countdown off");
    clock.set("2026-12-01T07:00:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(0);
    expect(text(await fake.command("reminders show", {}, MOD))).toContain("Off");
  });
});

describe("sharding", () => {
  it("only the shard that owns a guild posts for it", async () => {
    const guild0 = guildIdForShard(0, 2);
    const guild1 = guildIdForShard(1, 2);
    const clock = new TestClock(Date.parse("2026-12-01T06:00:00Z"));
    fake = await startFakeDiscord({
      token: TEST_TOKEN,
      heartbeatIntervalMs: 500,
      shards: 2,
      guilds: [{ id: guild0 }, { id: guild1 }],
    });
    const dir = tempDir();
    dirs.push(dir);
    const databasePath = join(dir.path, "bot.db");
    const storage = SqliteStorage.open(databasePath);
    const at = Date.parse("2026-12-01T07:00:00Z");
    for (const guildId of [guild0, guild1]) {
      const channel = fake.guild(guildId).channels.find((c) => c.type === 0);
      await storage.upsertReminder(sampleReminder({ guildId, channelId: channel?.id ?? "", nextDueAt: at }));
    }
    await storage.close();
    const shard0 = await startTestBot(fake, { clock, databasePath, shard: [0, 2] });
    bots.push(shard0);
    const shard1 = await startTestBot(fake, { clock, databasePath, shard: [1, 2], deploy: false });
    bots.push(shard1);
    clock.set("2026-12-01T07:00:00Z");
    const [a, b] = await Promise.all([shard0.scheduler.tick(), shard1.scheduler.tick()]);
    expect(a.posted).toEqual([guild0]);
    expect(b.posted).toEqual([guild1]);
    expect((await shard0.scheduler.tick()).posted).toEqual([]);
  });
});

describe("the server's language", () => {
  it("posts in the language a moderator chose, and by default in the server's own", async () => {
    const { fake, bot, clock, general } = await setup("2026-03-01T04:00:00Z");
    // No language given: the server's locale (Hebrew) decides; the moderator reads the reply in theirs.
    const set = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "Asia/Jerusalem" },
      { ...MOD, locale: "en-US", guildLocale: "he" },
    );
    expect(text(set)).toContain("Daily countdown saved");
    expect(text(set)).toContain("עברית");
    clock.set("2026-03-01T05:00:30Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    const [hebrew] = fake.messagesIn(general.id);
    expect(JSON.stringify(hebrew?.embeds)).toMatch(/\p{Script=Hebrew}/u);
    expect(JSON.stringify(hebrew?.embeds)).not.toContain("Daily countdown");

    // Chosen explicitly: Arabic, with the day's fast times for Jerusalem during Ramadan.
    await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "Asia/Jerusalem", language: "ar" },
      { ...MOD, guildLocale: "he" },
    );
    clock.set("2026-03-02T05:00:30Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    const arabic = fake.messagesIn(general.id)[1];
    const body = JSON.stringify(arabic?.embeds);
    expect(body).toMatch(/رمضان/);
    expect(body).not.toMatch(/\p{Script=Hebrew}/u);
    expect(body).toContain("Jerusalem"); // the place of the fast times, named as the time zone database names it
    // Each right-to-left line that opens with a Latin run starts with a right-to-left mark.
    const lines = [arabic?.embeds?.[0]?.title, arabic?.embeds?.[0]?.description].join("\n").split("\n");
    for (const line of lines.filter((l) => /\p{Script=Arabic}/u.test(l) && /^[^\p{L}]*[A-Za-z]/u.test(l)))
      throw new Error(`unmarked right-to-left line: ${line}`);
  });

  it("computes the fast's times for the city and method a moderator picked, and shows them", async () => {
    const { fake, bot, clock, general } = await setup("2027-02-19T20:00:00Z");
    const set = await fake.command(
      "reminders set",
      {
        channel: general.id,
        time: "05:00",
        timezone: "Asia/Jerusalem",
        city: "Haifa",
        method: "MuslimWorldLeague",
      },
      MOD,
    );
    expect(text(set)).toContain("Haifa (Muslim World League)");
    const shown = await fake.command("reminders show", {}, MOD);
    expect(text(shown)).toContain("Haifa (Muslim World League)");
    clock.set("2027-02-20T03:00:30Z"); // 05:00 in Jerusalem, day 13 of Ramadan 1448
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    const [post] = fake.messagesIn(general.id);
    const haifa = findCity("Haifa", "Asia/Jerusalem");
    const times = haifa && dayTimes(haifa, "2027-02-20", "Asia/Jerusalem", "MuslimWorldLeague").fast;
    if (!times) throw new Error("Haifa's times");
    const hhmm = (at: Date) => localParts(at, "Asia/Jerusalem").time;
    const body = JSON.stringify(post?.embeds);
    expect(body).toContain("Fasting today in Haifa");
    expect(body).toContain(`Suhoor ends (Fajr): ${hhmm(times.fajr)}`);
    expect(body).toContain(`Iftar (Maghrib): ${hhmm(times.maghrib)}`);
    expect(body).toContain("Sunset and prayer times for Haifa (Muslim World League method)");
  });

  it("posts a polar night plainly, with the fast by the convention a moderator chose", async () => {
    // Day 3 of Ramadan 1448 in Longyearbyen, still in its polar night.
    const { fake, bot, clock, general } = await setup("2027-02-10T04:00:00Z");
    const set = await fake.command(
      "reminders set",
      { channel: general.id, time: "08:00", timezone: "Arctic/Longyearbyen", polar_days: "AqrabYaum" },
      MOD,
    );
    expect(text(set)).toContain("Days without sunset: Nearest day on which the sun sets (aqrab al-ayyam)");
    const shown = await fake.command("reminders show", {}, MOD);
    expect(text(shown)).toContain("Days without sunset: Nearest day on which the sun sets (aqrab al-ayyam)");
    clock.set("2027-02-10T07:00:30Z"); // 08:00 in Longyearbyen
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
    const body = JSON.stringify(fake.messagesIn(general.id)[0]?.embeds);
    expect(body).toContain("No sunset in Longyearbyen");
    expect(body).toContain("There is no sunset in Longyearbyen on 10 February 2027");
    expect(body).toContain("(polar night)");
    expect(body).toContain("the nearest day on which the sun sets there (the nearest-day convention");
    expect(body).toContain("By the nearest-day convention");
    expect(body).toMatch(/give a city such as \w+/);

    const none = await fake.command(
      "reminders set",
      { channel: general.id, time: "08:00", timezone: "Arctic/Longyearbyen", polar_days: "Unresolved" },
      MOD,
    );
    expect(text(none)).toContain("Days without sunset: None: 18:00 stands in for sunset, no fast times");
    const preview = await fake.command("reminders preview", {}, MOD);
    expect(text(preview)).toContain("18:00 local time stands in for sunset.");
    expect(text(preview)).toContain("No fast times are given");
    expect(text(preview)).not.toContain("Suhoor ends");
  });

  it("builds each server's post with its own convention, even in one zone on one tick", async () => {
    const guilds = [guildIdForShard(0, 1), `${BigInt(guildIdForShard(0, 1)) + (1n << 22n)}`];
    const clock = new TestClock(Date.parse("2027-02-10T06:00:00Z"));
    fake = await startFakeDiscord({
      token: TEST_TOKEN,
      heartbeatIntervalMs: 500,
      guilds: guilds.map((id) => ({ id })),
    });
    const dir = tempDir();
    dirs.push(dir);
    const databasePath = join(dir.path, "bot.db");
    const storage = SqliteStorage.open(databasePath);
    const at = Date.parse("2027-02-10T07:00:00Z"); // 08:00 in Longyearbyen, day 3 of Ramadan 1448
    for (const [guildId, polarConvention] of [
      [guilds[0] ?? "", "AqrabBalad"],
      [guilds[1] ?? "", "Unresolved"],
    ] as const) {
      const channel = fake.guild(guildId).channels.find((c) => c.type === 0);
      await storage.upsertReminder(
        sampleReminder({
          guildId,
          channelId: channel?.id ?? "",
          time: "08:00",
          timeZone: "Arctic/Longyearbyen",
          polarConvention,
          nextDueAt: at,
        }),
      );
    }
    await storage.close();
    const bot = await startTestBot(fake, { clock, databasePath });
    bots.push(bot);
    clock.set("2027-02-10T07:00:30Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(2);
    const [nearest, none] = guilds.map((guildId) => {
      const channel = fake?.guild(guildId).channels.find((c) => c.type === 0);
      return JSON.stringify(fake?.messagesIn(channel?.id ?? "")[0]?.embeds);
    });
    expect(nearest).toContain("By the nearest-place convention");
    expect(nearest).not.toContain("No fast times are given");
    expect(none).toContain("No fast times are given");
    expect(none).not.toContain("Suhoor ends");
  });

  it("refuses a polar-days convention it does not know, and saves nothing", async () => {
    const { fake, general, databasePath } = await setup("2027-02-10T04:00:00Z");
    const reply = await fake.command(
      "reminders set",
      { channel: general.id, time: "08:00", timezone: "Arctic/Longyearbyen", polar_days: "Midway" },
      MOD,
    );
    expect(reply.ephemeral).toBe(true);
    expect(text(reply)).toContain("“Midway” is not a convention for days without sunset I know");
    const storage = SqliteStorage.open(databasePath);
    try {
      expect(await storage.getReminder(fake.guild().id)).toBeNull();
    } finally {
      await storage.close();
    }
  });

  it("refuses a city in another time zone, and a language it does not speak, saving nothing", async () => {
    const { fake, bot, general } = await setup("2026-03-01T04:00:00Z");
    const city = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "Asia/Jerusalem", city: "Jeddah" },
      MOD,
    );
    expect(city.ephemeral).toBe(true);
    expect(text(city)).toMatch(/Jeddah.*Asia\/Riyadh.*Asia\/Jerusalem/);
    const language = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "Asia/Jerusalem", language: "fr" },
      MOD,
    );
    expect(text(language)).toMatch(/not a language I speak/);
    expect(await bot.ctx.storage?.getReminder(fake.guild().id)).toBeNull();
  });
});

describe("many servers due in the same minute", () => {
  it("posts each once under Discord's global limit, with no 429, and a second tick joins the pass in progress", async () => {
    const guilds = Array.from({ length: 60 }, () => ({ id: guildIdForShard(0, 1) }));
    const clock = new TestClock(Date.parse("2026-12-01T06:00:00Z"));
    fake = await startFakeDiscord({ token: TEST_TOKEN, guilds, rateLimit: { globalPerSecond: 50 } });
    const dir = tempDir();
    dirs.push(dir);
    const databasePath = join(dir.path, "bot.db");
    const storage = SqliteStorage.open(databasePath);
    const at = Date.parse("2026-12-01T07:00:00Z");
    const channels = new Map<string, string>();
    for (const { id } of guilds) {
      const channel = fake.guild(id).channels.find((c) => c.type === 0);
      channels.set(id, channel?.id ?? "");
      await storage.upsertReminder(
        sampleReminder({ guildId: id, channelId: channel?.id ?? "", nextDueAt: at }),
      );
    }
    await storage.close();
    const bot = await startTestBot(fake, { clock, databasePath });
    bots.push(bot);
    clock.set("2026-12-01T07:00:00Z");
    const first = bot.scheduler.tick();
    const second = bot.scheduler.tick(); // the next minute's tick, while this one still posts
    const [a, b] = await Promise.all([first, second]);
    expect(b).toBe(a);
    expect([...a.posted].sort()).toEqual(guilds.map((g) => g.id).sort());
    for (const [, channelId] of channels) expect(fake.messagesIn(channelId)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.fault === "rate-limited")).toEqual([]);
    expect((await bot.scheduler.tick()).posted).toEqual([]);
  });
});

describe("catch-up stays on the same local day", () => {
  it("does not post yesterday's countdown after midnight", async () => {
    const { fake, bot, clock, general } = await setup("2026-12-01T20:00:00Z");
    await fake.command("reminders set", { channel: general.id, time: "22:00", timezone: "UTC" }, MOD);
    clock.set("2026-12-02T01:00:00Z"); // 3 hours late, inside the 6-hour grace window, but the day is over
    const report = await bot.scheduler.tick();
    expect(report.posted).toEqual([]);
    expect(report.skipped).toHaveLength(1);
    expect(fake.messagesIn(general.id)).toHaveLength(0);
    clock.set("2026-12-02T22:00:00Z");
    expect((await bot.scheduler.tick()).posted).toHaveLength(1);
  });
});
