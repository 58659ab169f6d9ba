/**
 * Child process for the kill -9 test in `test/storage.test.ts`: writes reminders, ledger rows and votes in a
 * loop and prints `committed <round> <guild id> <message id>` only after all of the round's writes have returned (committed). The parent
 * kills it with SIGKILL mid-loop and checks that every printed round is in the database.
 *
 * Usage: `node --import tsx test/support/storage-writer.ts <db path> <first round>`
 */
import { SqliteStorage } from "../../src/storage/sqlite.js";

const [path, firstArg] = process.argv.slice(2);
if (path === undefined || firstArg === undefined) {
  console.error("usage: storage-writer <db path> <first round>");
  process.exit(2);
}

/** Derives ids from a real guild snowflake so the shard key column sees realistic values. */
const BASE = 175928847299117063n;
const CHANNEL = "81384788765712384";
const LOCAL_DATE = "2026-02-18";

function guildIdOf(round: number): string {
  return String(BASE + (BigInt(round) << 22n) + BigInt(round));
}

const storage = SqliteStorage.open(path);
// The writer holds the lease for a day: its claims are fenced as the bot's are.
// One owner for every run, so a run after a killed one takes the lease over.
const lease = await storage.acquireLease("storage-writer:0:x", 86_400_000, Date.now());
if (!lease.acquired) throw new Error(`the lease is held by ${lease.holder}`);
const fence = () => ({ name: "bot", epoch: lease.epoch, now: Date.now() });
for (let round = Number(firstArg); ; round++) {
  const guildId = guildIdOf(round);
  const messageId = String(BASE + 1_000_000_000n + BigInt(round));
  await storage.upsertReminder({
    guildId,
    channelId: CHANNEL,
    time: "07:00",
    timeZone: "Asia/Riyadh",
    roleId: null,
    dayOffset: 0,
    language: "en",
    place: null,
    method: null,
    polarConvention: null,
    startOverride: null,
    by: "290926798626357250",
    nextDueAt: 1_771_387_200_000 + round,
  });
  const claim = await storage.claimPost(guildId, LOCAL_DATE, `n${round}`, fence());
  if (claim.status !== "claimed") throw new Error(`round ${round}: unexpected claim ${claim.status}`);
  await storage.markPosted(guildId, LOCAL_DATE, messageId, CHANNEL, fence());
  await storage.recordFeedback({
    questionKey: `q${round}`,
    articleId: "seed-article",
    paragraph: 1 + (round % 5),
    helpful: round % 2 === 0,
    userId: guildId,
  });
  // Printed only once every await above has returned: each line the parent reads is a committed round.
  process.stdout.write(`committed ${round} ${guildId} ${messageId}\n`);
}
