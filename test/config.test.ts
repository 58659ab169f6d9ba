import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import { createLogger, redactSecrets } from "../src/logger.js";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";

function problems(env: NodeJS.ProcessEnv, requireDiscord = false): readonly string[] {
  try {
    loadConfig(env, { requireDiscord });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("config", () => {
  it("has sensible defaults with an empty environment", () => {
    const config = loadConfig({});
    expect(config.discord.token).toBeUndefined();
    expect(config.logLevel).toBe("info");
    expect(config.databasePath).toMatch(/data\/talks-bot\.db$/);
    expect(config.reminderGraceMs).toBe(6 * 3600_000);
    expect(config.askCooldownMs).toBe(5000);
    expect(config.defaultTimeZone).toBe("UTC");
    expect(config.databaseTimeouts).toEqual({ statementMs: 10_000, lockMs: 5000 });
  });

  it("takes PostgreSQL's statement and lock timeouts in milliseconds, within bounds", () => {
    expect(
      loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: "2500", DATABASE_LOCK_TIMEOUT_MS: "800" }).databaseTimeouts,
    ).toEqual({ statementMs: 2500, lockMs: 800 });
    expect(problems({ DATABASE_STATEMENT_TIMEOUT_MS: "0", DATABASE_LOCK_TIMEOUT_MS: "1.5" })).toEqual([
      "DATABASE_STATEMENT_TIMEOUT_MS must be a whole number from 100 to 600000",
      "DATABASE_LOCK_TIMEOUT_MS must be a whole number from 100 to 600000",
    ]);
  });

  it("treats empty values (as in .env.example) as unset", () => {
    expect(
      loadConfig({ DISCORD_TOKEN: "", DISCORD_GUILD_ID: " ", RAMADAN_START: "" }).discord.token,
    ).toBeUndefined();
  });

  it("lists every problem at once, by variable name, never by value", () => {
    const found = problems(
      {
        DISCORD_TOKEN: "not-a-token-secret-value",
        LOG_LEVEL: "loud",
        REMINDER_GRACE_MINUTES: "-5",
        DEFAULT_TIMEZONE: "Mars/Olympus",
        DISCORD_API_URL: "ftp://x",
        DATABASE_URL: "mysql://root:db-secret-value@db/talks",
        HOST_ID: "two words",
        SHARD_LEASE_SECONDS: "1",
      },
      true,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DISCORD_TOKEN does not look like a bot token/),
        expect.stringMatching(/^LOG_LEVEL must be one of/),
        expect.stringMatching(/^REMINDER_GRACE_MINUTES must be a whole number from 1 to 1440/),
        expect.stringMatching(/^DEFAULT_TIMEZONE must be an IANA time zone/),
        expect.stringMatching(/^DISCORD_API_URL must be an http\(s\) URL/),
        expect.stringMatching(/^DISCORD_CLIENT_ID is required/),
        expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
        expect.stringMatching(/^HOST_ID must be 1–64 letters/),
        expect.stringMatching(/^SHARD_LEASE_SECONDS must be a whole number from 3 to 300/),
      ]),
    );
    expect(found.join("\n")).not.toContain("not-a-token-secret-value");
    expect(found.join("\n")).not.toContain("db-secret-value");
  });

  it("requires the token and application id only to connect to Discord", () => {
    expect(problems({})).toEqual([]);
    expect(problems({}, true)).toEqual([
      "DISCORD_TOKEN is required to connect to Discord",
      "DISCORD_CLIENT_ID is required to connect to Discord (the application id)",
    ]);
    expect(problems({ DISCORD_TOKEN: TOKEN, DISCORD_CLIENT_ID: "123456789012345678" }, true)).toEqual([]);
  });

  it("checks the time zone and start date as strictly as the commands will", () => {
    expect(loadConfig({ DEFAULT_TIMEZONE: "asia/riyadh" }).defaultTimeZone).toBe("Asia/Riyadh");
    expect(problems({ DEFAULT_TIMEZONE: "EST" })).toEqual([
      "DEFAULT_TIMEZONE must be an IANA time zone such as Europe/London",
    ]);
    expect(problems({ RAMADAN_START: "2024-04-11" })).toEqual([
      expect.stringMatching(/^RAMADAN_START 2024-04-11 is \d+ days from the Umm al-Qura first fast/),
    ]);
    expect(loadConfig({ RAMADAN_START: "2024-03-12" }).ramadanStart).toBe("2024-03-12");
  });

  it("reads the shard and checks it fits the count", () => {
    expect(loadConfig({ SHARD_COUNT: "4", SHARD_ID: "3" }).shard).toEqual({ id: 3, count: 4 });
    expect(problems({ SHARD_COUNT: "2", SHARD_ID: "2" })).toEqual([
      "SHARD_ID must be less than SHARD_COUNT (shards are numbered from 0)",
    ]);
  });

  it("rejects a start date that is not a calendar date", () => {
    expect(problems({ RAMADAN_START: "2024-02-30" })).toEqual([
      "RAMADAN_START must be a real calendar date YYYY-MM-DD",
    ]);
    expect(problems({ RAMADAN_START: "March 11" })).toEqual([
      expect.stringMatching(/^RAMADAN_START must be a date YYYY-MM-DD/),
    ]);
  });
});

describe("log redaction", () => {
  it("removes the token, token-shaped strings and interaction tokens in URLs", () => {
    const line = `{"msg":"failed","url":"https://discord.com/api/v10/interactions/1234567890/aW50ZXJhY3Rpb246MTIzOnNlY3JldA/callback","hook":"/webhooks/99/secret-token-here/messages/@original","t":"${TOKEN}"}`;
    const out = redactSecrets(line, [TOKEN]);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain("aW50ZXJhY3Rpb246MTIzOnNlY3JldA");
    expect(out).not.toContain("secret-token-here");
    expect(out).toContain("/interactions/1234567890/[redacted]/callback");
  });

  it("applies to every line the logger writes, including errors", () => {
    const lines: string[] = [];
    const logger = createLogger({ secrets: [TOKEN], write: (line) => lines.push(line) });
    logger.error({ err: new Error(`login failed with ${TOKEN}`) }, `token ${TOKEN}`);
    expect(lines.join("")).not.toContain(TOKEN);
    expect(lines.join("")).toContain("[redacted]");
  });
});
