/**
 * The fake Discord against the real discord.js client: no bot code, only small handlers defined here.
 */
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  type TextChannel,
} from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  ChannelKind,
  type FakeDiscord,
  type FakeDiscordOptions,
  guildIdForShard,
  opt,
  snowflake,
  startFakeDiscord,
} from "./support/fake-discord.js";

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 200, ...options });
  return fake;
}

type Handler = (interaction: Interaction) => Promise<unknown>;

/** A real discord.js client logged into the fake, ready (guilds cached) when this resolves. */
async function login(
  f: FakeDiscord,
  handler?: Handler,
  options: { token?: string; shards?: "auto"; restTimeoutMs?: number } = {},
): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: f.apiUrl, ...(options.restTimeoutMs ? { timeout: options.restTimeoutMs } : {}) },
    ...(options.shards ? { shards: options.shards } : {}),
  });
  clients.push(client);
  if (handler) {
    client.on(Events.InteractionCreate, (interaction) => {
      handler(interaction).catch((error: unknown) => {
        // Surface handler bugs in the test output instead of an unhandled rejection.
        console.error("test handler failed:", error);
      });
    });
  }
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(options.token ?? f.token);
  await ready;
  return client;
}

function textChannel(client: Client, id: string): TextChannel {
  const channel = client.channels.cache.get(id);
  if (channel?.type !== ChannelType.GuildText) throw new Error(`channel ${id} is not a cached text channel`);
  return channel;
}

describe("fake Discord with the real discord.js client", () => {
  it("logs in with Guilds only; guild, members.me and channel permissions are cached", async () => {
    const blockedRole = snowflake();
    const f = await start({
      guilds: [
        {
          name: "Talks",
          roles: [{ id: blockedRole, name: "muted-bot", permissions: 0n }],
          channels: [
            { name: "general" },
            {
              name: "read-only",
              permissionOverwrites: [{ id: blockedRole, type: "role", deny: ["SendMessages"] }],
            },
          ],
        },
      ],
    });
    const guild = f.guild();
    // Give the bot the blocking role too: the managed bot role plus `muted-bot`.
    const botRoles = [...(guild.members.find((m) => m.user.id === f.botUser.id)?.roles ?? []), blockedRole];
    guild.members[0] = { ...(guild.members[0] as (typeof guild.members)[0]), roles: botRoles };

    const client = await login(f);

    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe("Talks");
    const me = cached?.members.me;
    expect(me?.id).toBe(f.botUser.id);
    const general = textChannel(client, f.findChannel("general").id);
    const readOnly = textChannel(client, f.findChannel("read-only").id);
    expect(general.permissionsFor(me ?? "")?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(general.permissionsFor(me ?? "")?.has(PermissionFlagsBits.EmbedLinks)).toBe(true);
    expect(readOnly.permissionsFor(me ?? "")?.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(readOnly.permissionsFor(me ?? "")?.has(PermissionFlagsBits.SendMessages)).toBe(false);

    expect(f.identifies).toHaveLength(1);
    expect(f.identifies[0]).toMatchObject({
      accepted: true,
      intents: GatewayIntentBits.Guilds,
      shard: [0, 1],
    });
    expect(f.gateway.connections[0]?.query).toEqual({ v: "10", encoding: "json" });
    // Heartbeats are acknowledged (the short interval makes the first one come quickly).
    await f.until(() => f.gateway.heartbeats >= 1 && client.ws.ping >= 0, 3000, "a heartbeat round trip");
    expect(f.unknownRequests()).toEqual([]);
    expect(f.requests.map((r) => r.route)).toContain("GET /gateway/bot");
  });

  it("delivers a slash command and records reply() with allowed_mentions", async () => {
    const f = await start();
    const seen: { question: string | null; appCanSend: boolean; userCanManage: boolean }[] = [];
    await login(f, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({
        question: interaction.options.getString("question"),
        appCanSend: interaction.appPermissions.has(PermissionFlagsBits.SendMessages),
        userCanManage: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
      });
      await interaction.reply({ content: "pong @everyone", allowedMentions: { parse: [] } });
    });

    const reply = await f.command("ask", { question: "hi" }, { permissions: ["ManageGuild", "ViewChannel"] });

    expect(seen).toEqual([{ question: "hi", appCanSend: true, userCanManage: true }]);
    expect(reply.kind).toBe("callback");
    expect(reply.callbackType).toBe(4);
    expect(reply.ephemeral).toBe(false);
    expect(reply.data.content).toBe("pong @everyone");
    expect(reply.data.allowed_mentions).toEqual({ parse: [] });
    expect(reply.message?.mention_everyone).toBe(false);
    expect(reply.request.route).toBe("POST /interactions/:id/:token/callback");
    expect(reply.request.status).toBe(204);
  });

  it("records deferReply then editReply as callback type 5 and PATCH @original", async () => {
    const f = await start();
    await login(f, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({ content: "done" });
    });

    const handle = f.interact(f.build.command("ask", { question: "slow" }));
    const reply = await handle.reply();

    expect(reply.kind).toBe("edit");
    expect(reply.messageId).toBe("@original");
    expect(reply.data.content).toBe("done");
    expect(reply.ephemeral).toBe(true);
    const responses = f.interactionResponses(handle.id);
    expect(responses.map((r) => [r.kind, r.callbackType])).toEqual([
      ["callback", 5],
      ["edit", undefined],
    ]);
    expect(responses[0]?.data.flags).toBe(MessageFlags.Ephemeral);
    expect(responses[1]?.request.route).toBe("PATCH /webhooks/:app/:token/messages/@original");
  });

  it("records an autocomplete respond() as callback type 8", async () => {
    const f = await start();
    await login(f, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond([{ name: `${typed}-one`, value: `${typed}1` }]);
    });

    const reply = await f.autocomplete("quote", { source: "ap", query: "ab" }, "query");

    expect(reply.callbackType).toBe(8);
    expect(reply.data.choices).toEqual([{ name: "ab-one", value: "ab1" }]);
    const payload = f.requestsTo("POST /interactions/:id/:token/callback")[0]?.body;
    expect(payload).toMatchObject({ type: 8 });
  });

  it("creates one message for two sends with the same nonce and enforceNonce", async () => {
    const f = await start();
    const client = await login(f);
    const general = textChannel(client, f.findChannel("general").id);

    const first = await general.send({
      content: "daily reminder",
      nonce: "g1-2026-03-08",
      enforceNonce: true,
    });
    const second = await general.send({
      content: "daily reminder",
      nonce: "g1-2026-03-08",
      enforceNonce: true,
    });

    expect(second.id).toBe(first.id);
    expect(f.messagesIn(general.id)).toHaveLength(1);
    const posts = f.requestsTo("POST /channels/:id/messages");
    expect(posts.map((r) => r.deduplicated ?? false)).toEqual([false, true]);
    expect(posts[0]?.body).toMatchObject({ nonce: "g1-2026-03-08", enforce_nonce: true });
  });

  it("answers failNext 429 with Retry-After; discord.js waits, retries, and one message exists", async () => {
    const f = await start();
    const client = await login(f);
    const general = textChannel(client, f.findChannel("general").id);
    const fault = f.failNext("POST /channels/:id/messages", { status: 429, retryAfter: 0.2 });

    const started = Date.now();
    await general.send("after the limit");

    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(fault.hits).toBe(1);
    const posts = f.requestsTo("POST /channels/:id/messages");
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[0]?.response).toMatchObject({ retry_after: 0.2, code: 0 });
    expect(f.messagesIn(general.id)).toHaveLength(1);
  });

  it("surfaces failNext 403 50013 as a DiscordAPIError and creates nothing", async () => {
    const f = await start();
    const client = await login(f);
    const general = textChannel(client, f.findChannel("general").id);
    f.failNext({ method: "POST", route: "/channels/:id/messages" }, { status: 403, code: 50013 });

    const error = await general.send("x").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50013);
    expect(f.messagesIn(general.id)).toHaveLength(0);
    const request = await f.waitFor((r) => r.route === "POST /channels/:id/messages", 1000);
    expect(request).toMatchObject({ status: 403, fault: "injected", response: { code: 50013 } });
  });

  it("loses a response with resetConnectionNext; the retry with the same nonce creates no duplicate", async () => {
    const f = await start();
    const client = await login(f);
    const general = textChannel(client, f.findChannel("general").id);
    f.resetConnectionNext("POST /channels/:id/messages");

    const sent = await general.send({ content: "once", nonce: "n-1", enforceNonce: true });

    const posts = f.requestsTo("POST /channels/:id/messages");
    expect(posts.map((r) => r.outcome)).toEqual(["reset", "answered"]);
    expect(f.messagesIn(general.id).map((m) => m.id)).toEqual([sent.id]);
  });

  it("retries a request left hanging after the REST timeout; the nonce keeps it at one message", async () => {
    const f = await start();
    const client = await login(f, undefined, { restTimeoutMs: 300 });
    const general = textChannel(client, f.findChannel("general").id);
    f.resetConnectionNext("POST /channels/:id/messages", { mode: "hang" });

    await general.send({ content: "once", nonce: "n-2", enforceNonce: true });

    expect(f.requestsTo("POST /channels/:id/messages").map((r) => r.outcome)).toEqual(["hung", "answered"]);
    expect(f.messagesIn(general.id)).toHaveLength(1);
  });

  it("applies the global rate limit with 429s and X-RateLimit headers; every message still arrives", async () => {
    const f = await start({ rateLimit: { globalPerSecond: 3, perRoute: { limit: 10, windowMs: 1000 } } });
    const client = await login(f);
    const general = textChannel(client, f.findChannel("general").id);

    await Promise.all([1, 2, 3, 4, 5].map((n) => general.send(`message ${n}`)));

    expect(
      f
        .messagesIn(general.id)
        .map((m) => m.content)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5].map((n) => `message ${n}`));
    const posts = f.requestsTo("POST /channels/:id/messages");
    const limited = posts.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]?.responseHeaders).toMatchObject({
      "x-ratelimit-global": "true",
      "x-ratelimit-scope": "global",
    });
    expect(Number(limited[0]?.responseHeaders?.["retry-after"])).toBeGreaterThan(0);
    expect(limited[0]?.response).toMatchObject({ global: true, code: 0 });
    const ok = posts.find((r) => r.status === 200);
    expect(ok?.responseHeaders).toMatchObject({ "x-ratelimit-limit": "10" });
    expect(ok?.responseHeaders?.["x-ratelimit-bucket"]).toBeTruthy();
  });

  it("stores a bulk overwrite, infers option types from it, and answers with_response", async () => {
    const f = await start();
    const general = f.findChannel("general");
    let callbackMessageId: string | undefined;
    const client = await login(f, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const channel = interaction.options.getChannel("channel", true);
      const hours = interaction.options.getNumber("hours", true);
      const response = await interaction.reply({
        content: `${channel.id} every ${hours}h`,
        withResponse: true,
      });
      callbackMessageId = response.resource?.message?.id;
    });

    const registered = await client.application?.commands.set([
      {
        name: "config",
        description: "Configure",
        options: [
          {
            type: 1,
            name: "channel",
            description: "Set the channel",
            options: [
              { type: 7, name: "channel", description: "Where", required: true },
              { type: 10, name: "hours", description: "How often", required: true },
            ],
          },
        ],
      },
    ]);
    await client.application?.fetch();

    expect(registered?.size).toBe(1);
    expect(f.commands().map((c) => c.name)).toEqual(["config"]);
    const payload = f.build.command("config channel", { channel: general.id, hours: 2 });
    expect(payload.data?.id).toBe(f.commands()[0]?.id);
    expect(payload.data?.options).toEqual([
      {
        name: "channel",
        type: 1,
        options: [
          { name: "channel", type: 7, value: general.id },
          { name: "hours", type: 10, value: 2 },
        ],
      },
    ]);
    const reply = await f.interact(payload).reply();
    expect(reply.data.content).toBe(`${general.id} every 2h`);
    expect(reply.request.query.with_response).toBe("true");
    // The fake records the callback before the client has read the answer.
    expect(await f.until(() => callbackMessageId, 2000)).toBe(reply.message?.id);

    const bad = await client.application?.commands
      .set([{ name: "Bad Name", description: "x" }])
      .catch((e: unknown) => e);
    expect((bad as DiscordAPIError).code).toBe(50035);
    expect(f.unknownRequests()).toEqual([]);
  });

  it("removes the bot from a guild with guildDelete; REST then answers 50001; unknown routes are recorded", async () => {
    const f = await start();
    const client = await login(f);
    const guildId = f.guild().id;
    const channelId = f.findChannel("general").id;
    const gone = new Promise<string>((resolve) => client.once(Events.GuildDelete, (g) => resolve(g.id)));
    f.delay("GET /channels/:id", 150, { times: 1 });

    const started = Date.now();
    await client.channels.fetch(channelId, { force: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    f.guildDelete(guildId);
    expect(await gone).toBe(guildId);
    expect(client.guilds.cache.has(guildId)).toBe(false);
    const error = await client.rest
      .post(`/channels/${channelId}/messages`, { body: { content: "x" } })
      .catch((e: unknown) => e);
    expect((error as DiscordAPIError).code).toBe(50001);

    await client.rest.get("/no/such/route").catch(() => undefined);
    expect(f.unknownRequests().map((r) => r.route)).toEqual(["GET /no/such/route"]);
    expect(f.unknownRequests()[0]?.response).toEqual({ message: "404: Not Found", code: 0 });
  });

  it("resumes after dropGateway and still handles a later interaction", async () => {
    const f = await start();
    const client = await login(f, async (interaction) => {
      if (interaction.isChatInputCommand())
        await interaction.reply({ content: `hello ${interaction.commandName}` });
    });

    expect(await f.dropGateway()).toBe(1);
    await f.until(() => f.resumes.some((r) => r.accepted), 5000, "a resume");
    await f.waitForSessions(1);

    const reply = await f.command("after-resume");
    expect(reply.data.content).toBe("hello after-resume");
    expect(f.identifies).toHaveLength(1);
    expect(f.resumes).toHaveLength(1);
    expect(f.resumes[0]).toMatchObject({ accepted: true, path: "/resume" });
    expect(client.isReady()).toBe(true);
  });

  it("replays a dispatch missed while disconnected on resume", async () => {
    const f = await start();
    let handled = 0;
    await login(f, async (interaction) => {
      handled += 1;
      if (interaction.isChatInputCommand()) await interaction.reply("late but fine");
    });

    await f.dropGateway({ terminate: true });
    // Sent while the client is away: buffered, then replayed on RESUME.
    const handle = f.interact(f.build.command("missed"));
    const reply = await handle.reply();

    expect(reply.data.content).toBe("late but fine");
    expect(handled).toBe(1);
    expect(f.resumes[0]?.replayed).toBeGreaterThanOrEqual(1);
  });

  it("sends MESSAGE_* events only to sessions that asked for the GuildMessages intent", async () => {
    const f = await start();
    const client = await login(f);
    const guild = f.guild();
    const channel = guild.channels.find((c) => c.type === 0);
    if (!channel) throw new Error("a text channel");
    // The Guilds intent alone: a post in a channel reaches no session.
    const posted = await client.rest.post(`/channels/${channel.id}/messages`, { body: { content: "hi" } });
    const message = { ...(posted as object), guild_id: guild.id };
    expect(f.gateway.dispatch("MESSAGE_CREATE", message, { guildId: guild.id })).toBe(0);

    const listener = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      rest: { api: f.apiUrl },
    });
    clients.push(listener);
    const ready = new Promise<void>((resolve) => listener.once(Events.ClientReady, () => resolve()));
    await listener.login(f.token);
    await ready;
    const created = new Promise<string>((resolve) =>
      listener.once(Events.MessageCreate, (m) => resolve(m.id)),
    );
    expect(f.gateway.dispatch("MESSAGE_CREATE", message, { guildId: guild.id })).toBe(1);
    expect(await created).toBe((posted as { id: string }).id);
  });

  it("rejects login with a wrong token: gateway close 4004", async () => {
    const f = await start({ requireRestAuth: false });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: f.apiUrl } });
    clients.push(client);

    await expect(client.login("not-the-token")).rejects.toThrow(/Authentication failed/);

    expect(f.identifies.map((i) => i.accepted)).toEqual([false]);
    await f.until(() => f.gateway.connections[0]?.closeCode, 2000, "the gateway close");
    expect(f.gateway.connections[0]?.closeCode).toBe(4004);
  });

  it("rejects login with a wrong token already at REST (401) by default", async () => {
    const f = await start();
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: f.apiUrl } });
    clients.push(client);

    await expect(client.login("not-the-token")).rejects.toThrow(/token/i);

    expect(f.requests[0]).toMatchObject({ route: "GET /gateway/bot", status: 401, authorized: false });
    expect(f.requests[0]?.headers.authorization).toBe("[redacted]");
  });
});

describe("fake Discord interaction rules", () => {
  it("answers a second callback with 40060 and a late one with 10062", async () => {
    const f = await start({ interactionDeadlineMs: 100 });
    const errors: unknown[] = [];
    await login(f, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      if (interaction.commandName === "slow") {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await interaction.reply("too late").catch((e: unknown) => errors.push(e));
        return;
      }
      await interaction.reply("first");
      // A second process or a double-registered handler would do this.
      await interaction.client.rest
        .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
          body: { type: 4, data: { content: "second" } },
          auth: false,
        })
        .catch((e: unknown) => errors.push(e));
    });

    const twice = f.interact(f.build.command("twice"));
    await twice.reply();
    await f.until(() => twice.callbackAttempts().length === 2 && twice.callbackAttempts()[1]?.status, 3000);
    const slow = f.interact(f.build.command("slow"));
    await f.until(() => slow.callbackAttempts()[0]?.status, 3000);

    expect(twice.callbackAttempts().map((r) => r.status)).toEqual([204, 400]);
    expect(slow.callbackAttempts()[0]?.response).toMatchObject({ code: 10062 });
    await f.until(() => errors.length === 2, 3000);
    expect(errors.map((e) => (e as DiscordAPIError).code).sort()).toEqual([10062, 40060]);
    expect(f.unansweredInteractions().map((p) => p.id)).toEqual([slow.id]);
  });

  it("answers edits after token expiry with 10015", async () => {
    const f = await start();
    let editError: unknown;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await login(f, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await gate;
      await interaction.editReply("too late").catch((e: unknown) => {
        editError = e;
      });
    });

    const handle = f.interact(f.build.command("long"));
    await handle.callback();
    f.advanceTime(15 * 60_000 + 1);
    release();
    await f.until(() => editError, 3000, "the failed edit");

    expect((editError as DiscordAPIError).code).toBe(10015);
    expect(handle.responses().map((r) => r.kind)).toEqual(["callback"]);
  });

  it("builds resolved options, DMs, buttons and message commands as Discord sends them", async () => {
    const guildId = snowflake();
    const secret = snowflake();
    const mod = snowflake();
    const f = await start({
      guilds: [
        {
          id: guildId,
          roles: [{ id: mod, name: "mod", permissions: ["ManageGuild"] }],
          members: [{ user: { id: snowflake(), username: "alice" }, roles: [mod] }],
          channels: [
            { name: "general" },
            // Hidden from everyone, the bot included.
            {
              name: "secret",
              id: secret,
              permissionOverwrites: [{ id: guildId, type: "role", deny: ["ViewChannel"] }],
            },
            { name: "lobby", type: ChannelKind.GuildVoice },
          ],
        },
      ],
    });
    const guild = f.guild();
    const alice = guild.members.find((m) => m.user.username === "alice");
    const seen: Record<string, unknown>[] = [];
    await login(f, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const channel = interaction.options.getChannel("channel", true);
        seen.push({
          dm: !interaction.inGuild(),
          channelType: channel.type,
          user: interaction.options.getUser("who")?.username,
          role: interaction.options.getRole("role")?.name,
          count: interaction.options.getInteger("count"),
          sub: interaction.options.getSubcommand(false),
        });
        await interaction.reply({
          content: "ok",
          components: [{ type: 1, components: [{ type: 2, style: 1, label: "More", custom_id: "more" }] }],
        });
      } else if (interaction.isButton()) {
        await interaction.update({ content: `clicked ${interaction.customId}`, components: [] });
      } else if (interaction.isMessageContextMenuCommand()) {
        await interaction.reply({
          content: `quoted: ${interaction.targetMessage.content}`,
          flags: MessageFlags.Ephemeral,
        });
      }
    });

    const payload = f.build.command("config channel", {
      channel: opt.channel(secret),
      who: opt.user(alice?.user.id ?? ""),
      role: opt.role(mod),
      count: 3,
    });
    expect(payload).toMatchObject({ version: 1, entitlements: [], context: 0, guild_id: guild.id });
    expect(typeof (payload.member as { permissions: unknown }).permissions).toBe("string");
    const resolved = payload.data?.resolved as Record<string, Record<string, Record<string, unknown>>>;
    const secretPermissions = String(resolved.channels?.[secret]?.permissions);
    expect(secretPermissions).toMatch(/^\d+$/);
    expect(BigInt(secretPermissions) & PermissionFlagsBits.ViewChannel).toBe(0n);
    expect(BigInt(secretPermissions) & PermissionFlagsBits.SendMessages).not.toBe(0n);
    expect(resolved.members?.[alice?.user.id ?? ""]).toBeDefined();
    const reply = await f.interact(payload).reply();
    expect(reply.data.content).toBe("ok");
    expect(seen[0]).toEqual({
      dm: false,
      channelType: 0,
      user: "alice",
      role: "mod",
      count: 3,
      sub: "channel",
    });

    const click = await f.click("more");
    expect(click.callbackType).toBe(7);
    expect(click.message?.content).toBe("clicked more");

    const dm = f.build.command("config channel", { channel: opt.channel(secret) }, { dm: true });
    expect(dm.guild_id).toBeUndefined();
    expect(dm.member).toBeUndefined();
    expect(dm).toMatchObject({ context: 1, authorizing_integration_owners: { "0": "0" } });
    await f.interact(dm).reply();
    expect(seen[1]?.dm).toBe(true);

    const quoted = await f.interact(f.build.messageCommand("Quote", { content: "a message" })).reply();
    expect(quoted.data.content).toBe("quoted: a message");
    expect(quoted.ephemeral).toBe(true);
  });

  it("routes guilds and interactions to the shard that owns them", async () => {
    const g0 = guildIdForShard(0, 2);
    const g1 = guildIdForShard(1, 2);
    const f = await start({
      shards: 2,
      guilds: [
        { id: g0, name: "zero" },
        { id: g1, name: "one" },
      ],
    });
    const handledBy: number[] = [];
    const client = await login(
      f,
      async (interaction) => {
        handledBy.push(interaction.guild?.shardId ?? -1);
        if (interaction.isRepliable()) await interaction.reply("hi");
      },
      { shards: "auto" },
    );

    expect(f.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(client.guilds.cache.get(g1)?.shardId).toBe(1);
    await f.command("ping", {}, { guildId: g1 });
    expect(handledBy).toEqual([1]);
  });
});
