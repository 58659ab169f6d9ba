import { zonePlace } from "../calendar/places.js";
import { DEFAULT_POLAR_CONVENTION, defaultMethod, isMethod, isPolarConvention } from "../calendar/prayer.js";
import { catalogs, type Lang } from "../i18n/index.js";
import { isPauseReason } from "../post-error.js";
import type { PostRecord, Reminder, ReminderPlace } from "../storage/types.js";
import type { Markup, Reply, Voice } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { whenLabel } from "./markup.js";

/** Replies of /reminders: what was saved, what is set, and what happened. */

const channelMention = (id: string) => `<#${id}>`;
const roleMention = (id: string) => `<@&${id}>`;

/** "العربية", "English": a language by its own name. */
function languageName(code: string): string {
  return catalogs().locales.find((l) => l.code === code)?.name ?? code;
}

/** Beyond this latitude the sun can stay up or down all day in some season. */
const POLAR_LATITUDE = 60;

/**
 * "London (Moonsighting Committee Worldwide)": where sunset is computed, and by which method; and how days
 * without sunset are timed, where a moderator chose it or the place can have such days.
 */
function sunLabel(
  lang: Lang,
  timeZone: string,
  place: ReminderPlace | null,
  method: string | null,
  polarConvention: string | null,
): string | undefined {
  const where = place ?? zonePlace(timeZone);
  if (!where) return undefined;
  const used = method && isMethod(method) ? method : defaultMethod(where.country);
  const label = `${lang.isolate(where.name)} (${lang.t(`method.${used}`)})`;
  const chosen = polarConvention && isPolarConvention(polarConvention) ? polarConvention : null;
  if (!chosen && Math.abs(where.latitude) < POLAR_LATITUDE) return label;
  const convention = lang.t(`polar_days.${chosen ?? DEFAULT_POLAR_CONVENTION}`);
  return `${label}\n${lang.t("reminders.show.polarDays", { convention })}`;
}

export interface SavedReminder {
  readonly channelId: string;
  readonly time: string;
  readonly timeZone: string;
  readonly roleId: string | null;
  readonly nextAt: Date;
  readonly language: string;
  readonly place: ReminderPlace | null;
  readonly method: string | null;
  readonly polarConvention: string | null;
}

export function reminderSavedView(
  { markup, lang }: Voice,
  saved: SavedReminder,
  notes: readonly string[],
): Reply {
  const values = {
    channel: channelMention(saved.channelId),
    time: saved.time,
    zone: saved.timeZone,
    language: languageName(saved.language),
    next: whenLabel(markup, saved.nextAt, saved.timeZone),
  };
  const sun = sunLabel(lang, saved.timeZone, saved.place, saved.method, saved.polarConvention);
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      {
        title: lang.t("reminders.saved.title"),
        tone: "answer",
        description: saved.roleId
          ? lang.t("reminders.saved.descriptionRole", { ...values, role: roleMention(saved.roleId) })
          : lang.t("reminders.saved.description", values),
        fields: [
          ...(sun ? [{ name: lang.t("reminders.show.place"), value: sun }] : []),
          ...(notes.length > 0 ? [{ name: lang.t("reminders.saved.note"), value: notes.join("\n") }] : []),
        ],
        footer: lang.t("reminders.saved.footer"),
      },
    ],
  };
}

export function noReminderView({ lang }: Voice): Reply {
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      { title: lang.t("reminders.none.title"), tone: "notice", description: lang.t("reminders.none.text") },
    ],
  };
}

export function reminderOffView({ lang }: Voice, changed: boolean): Reply {
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      {
        title: lang.t(changed ? "reminders.off.title" : "reminders.none.title"),
        tone: "notice",
        description: lang.t(changed ? "reminders.off.text" : "reminders.off.nothing"),
      },
    ],
  };
}

/** Why posting stopped: a known reason in the reader's language, or the text stored by an older version. */
function pausedReasonText(reason: string, markup: Markup, lang: Lang): string {
  return isPauseReason(reason) ? lang.t(`reminders.pause.${reason}`) : markup.escape(reason);
}

export function reminderShowView(
  { markup, lang }: Voice,
  guildId: string,
  reminder: Reminder,
  last: PostRecord | null,
): Reply {
  const state = reminder.pausedReason
    ? lang.t("reminders.show.paused", { reason: pausedReasonText(reminder.pausedReason, markup, lang) })
    : lang.t(reminder.enabled ? "reminders.show.active" : "reminders.show.off");
  const calendar = reminder.startOverride
    ? lang.t("reminders.show.calendarOverride", { date: lang.date(reminder.startOverride) })
    : reminder.dayOffset
      ? lang.t("reminders.show.calendarOffset", {
          offset: lang.t("countdown.offsetDays", {
            offset: lang.signed(reminder.dayOffset),
            count: Math.abs(reminder.dayOffset),
          }),
        })
      : lang.t("reminders.show.calendarDefault");
  const where = {
    channel: channelMention(reminder.channelId),
    time: reminder.time,
    zone: reminder.timeZone,
  };
  const sun = sunLabel(lang, reminder.timeZone, reminder.place, reminder.method, reminder.polarConvention);
  const fields = [
    { name: lang.t("reminders.show.status"), value: state },
    {
      name: lang.t("reminders.show.where"),
      value: reminder.roleId
        ? lang.t("reminders.show.whereTextRole", { ...where, role: roleMention(reminder.roleId) })
        : lang.t("reminders.show.whereText", where),
    },
    { name: lang.t("reminders.show.language"), value: languageName(reminder.language) },
    ...(sun ? [{ name: lang.t("reminders.show.place"), value: sun }] : []),
    { name: lang.t("reminders.show.calendar"), value: calendar },
    {
      name: lang.t("reminders.show.next"),
      value:
        reminder.nextDueAt !== null && reminder.enabled && !reminder.pausedReason
          ? whenLabel(markup, new Date(reminder.nextDueAt), reminder.timeZone)
          : lang.t("reminders.show.noneScheduled"),
    },
    {
      name: lang.t("reminders.show.last"),
      value: last
        ? `[${last.localDate}](https://discord.com/channels/${guildId}/${last.channelId}/${last.messageId}) ${whenLabel(markup, new Date(last.sentAt), reminder.timeZone)}`
        : lang.t("reminders.show.noneYet"),
    },
    ...(reminder.lastError
      ? [
          {
            name: lang.t("reminders.show.lastError"),
            value: truncate(markup.escape(reminder.lastError), LIMITS.fieldValue),
          },
        ]
      : []),
  ];
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      { title: lang.t("reminders.show.title"), tone: reminder.pausedReason ? "warning" : "info", fields },
    ],
  };
}

export function testPostedView(
  { lang }: Voice,
  guildId: string,
  channelId: string,
  messageId: string,
): Reply {
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      {
        title: lang.t("reminders.test.title"),
        tone: "answer",
        description: lang.t("reminders.test.text", {
          channel: channelMention(channelId),
          link: `https://discord.com/channels/${guildId}/${channelId}/${messageId}`,
        }),
      },
    ],
  };
}
