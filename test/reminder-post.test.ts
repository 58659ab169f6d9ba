import { describe, expect, it } from "vitest";
import { countdownFor } from "../src/calendar/countdown.js";
import { loadCorpus } from "../src/corpus/load.js";
import { english } from "../src/i18n/index.js";
import { pointOfTheDay, reminderNonce, reminderPost } from "../src/reminders/post.js";
import { textMarkup } from "../src/views/markup.js";

const corpus = loadCorpus();
const now = new Date("2026-01-20T12:00:00Z");

describe("the countdown a server sees", () => {
  it("prefers the server's own first-fast date, then its day offset, then RAMADAN_START", () => {
    const config = { ramadanStart: "2026-02-19" };
    expect(countdownFor({ config }, now, "UTC", null).firstFast).toBe("2026-02-19");
    expect(countdownFor({ config }, now, "UTC", { dayOffset: 1 }).firstFast).toBe("2026-02-19");
    expect(countdownFor({ config }, now, "UTC", { dayOffset: -1 }).firstFast).toBe("2026-02-17");
    expect(countdownFor({ config }, now, "UTC", { startOverride: "2026-02-20" }).firstFast).toBe(
      "2026-02-20",
    );
    expect(countdownFor({ config: { ramadanStart: undefined } }, now, "UTC", null).firstFast).toBe(
      "2026-02-18",
    );
  });

  it("says in every post what the dates rest on, and that a moon sighting may move them", () => {
    const post = (settings: { dayOffset?: number; startOverride?: string | null }) =>
      JSON.stringify(
        reminderPost({
          corpus,
          config: { ramadanStart: undefined },
          now,
          localDate: "2026-01-20",
          timeZone: "UTC",
          settings,
          markup: textMarkup,
          lang: english(),
        }),
      );
    const sighting = /a local moon sighting may move them by a day|the sighting may still move/;
    expect(post({})).toContain(
      "Umm al-Qura calendar's expectation; a local moon sighting may move them by a day",
    );
    expect(post({ dayOffset: 1 })).toContain(
      "Umm al-Qura dates shifted by +1 day for this community's moon sighting",
    );
    expect(post({ startOverride: "2026-02-19" })).toContain("First fast set by this community");
    for (const settings of [{}, { dayOffset: -2 }, { startOverride: "2026-02-19" }])
      expect(post(settings)).toMatch(sighting);
    // A first-fast date from a past year no longer shapes this year's countdown, so the post does not claim it.
    expect(post({ startOverride: "2025-03-02" })).not.toContain("First fast set by this community");
  });
});

describe("daily post details", () => {
  it("derives a stable nonce of at most 25 characters per server and local date", () => {
    expect(reminderNonce("1", "2026-03-01")).toBe(reminderNonce("1", "2026-03-01"));
    expect(reminderNonce("1", "2026-03-01")).not.toBe(reminderNonce("1", "2026-03-02"));
    expect(reminderNonce("1", "2026-03-01")).not.toBe(reminderNonce("2", "2026-03-01"));
    expect(reminderNonce("175928847299117063", "2026-03-01").length).toBeLessThanOrEqual(25);
  });

  it("rotates through the status card's points, one a day, each cited", () => {
    const points = corpus.statusCards[0]?.sections.flatMap((s) => s.points).length ?? 0;
    const days = Array.from({ length: points }, (_, i) => {
      const date = new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
      return pointOfTheDay(corpus, date, textMarkup, english()) ?? "";
    });
    expect(new Set(days).size).toBe(points);
    for (const day of days) expect(day).toMatch(/¶\d+ · as of 22 February 2024$/);
  });
});
