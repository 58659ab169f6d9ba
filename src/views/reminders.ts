import type { PostRecord, Reminder } from "../storage/types.js";
import type { Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { whenLabel } from "./markup.js";

/** Replies of /reminders: what was saved, what is set, and what happened. */

const channelMention = (id: string) => `<#${id}>`;
const roleMention = (id: string) => `<@&${id}>`;

export function reminderSavedView(
  markup: Markup,
  saved: { channelId: string; time: string; timeZone: string; roleId: string | null; nextAt: Date },
  notes: readonly string[],
): Reply {
  return {
    ephemeral: true,
    cards: [
      {
        title: "Daily countdown saved",
        tone: "answer",
        description: `I'll post the Ramadan countdown in ${channelMention(saved.channelId)} every day at ${saved.time} (${saved.timeZone})${saved.roleId ? `, pinging ${roleMention(saved.roleId)}` : ""}.\nNext post: ${whenLabel(markup, saved.nextAt, saved.timeZone)}.`,
        fields: notes.length > 0 ? [{ name: "Note", value: notes.join("\n") }] : [],
        footer: "/reminders show to check it, /reminders preview to see a post, /reminders off to stop",
      },
    ],
  };
}

export function noReminderView(): Reply {
  return {
    ephemeral: true,
    cards: [
      {
        title: "No daily countdown",
        tone: "notice",
        description: "This server has no reminder yet. Set one with /reminders set.",
      },
    ],
  };
}

export function reminderOffView(changed: boolean): Reply {
  return {
    ephemeral: true,
    cards: [
      {
        title: changed ? "Daily countdown off" : "No daily countdown",
        tone: "notice",
        description: changed
          ? "No more daily posts. Your settings are kept: /reminders set turns them on again."
          : "This server has no reminder to turn off.",
      },
    ],
  };
}

export function reminderShowView(
  markup: Markup,
  guildId: string,
  reminder: Reminder,
  last: PostRecord | null,
): Reply {
  const state = reminder.pausedReason
    ? `Paused: ${reminder.pausedReason}. Fix it, then run /reminders set again.`
    : reminder.enabled
      ? "Active"
      : "Off (/reminders set turns it on again)";
  const calendar = reminder.startOverride
    ? `First fast on ${reminder.startOverride} (set by this server)`
    : reminder.dayOffset
      ? `Umm al-Qura shifted by ${reminder.dayOffset > 0 ? "+" : ""}${reminder.dayOffset} day(s)`
      : "Umm al-Qura calendar";
  const fields = [
    { name: "Status", value: state },
    {
      name: "Where and when",
      value: `${channelMention(reminder.channelId)} at ${reminder.time} (${reminder.timeZone})${reminder.roleId ? `, pinging ${roleMention(reminder.roleId)}` : ""}`,
    },
    { name: "Calendar", value: calendar },
    {
      name: "Next post",
      value:
        reminder.nextDueAt !== null && reminder.enabled && !reminder.pausedReason
          ? whenLabel(markup, new Date(reminder.nextDueAt), reminder.timeZone)
          : "None scheduled",
    },
    {
      name: "Last post",
      value: last
        ? `[${last.localDate}](https://discord.com/channels/${guildId}/${last.channelId}/${last.messageId}) ${whenLabel(markup, new Date(last.sentAt), reminder.timeZone)}`
        : "None yet",
    },
    ...(reminder.lastError
      ? [{ name: "Last error", value: truncate(markup.escape(reminder.lastError), LIMITS.fieldValue) }]
      : []),
  ];
  return {
    ephemeral: true,
    cards: [{ title: "Daily countdown", tone: reminder.pausedReason ? "warning" : "info", fields }],
  };
}

export function testPostedView(guildId: string, channelId: string, messageId: string): Reply {
  return {
    ephemeral: true,
    cards: [
      {
        title: "Test post sent",
        tone: "answer",
        description: `Posted in ${channelMention(channelId)}: https://discord.com/channels/${guildId}/${channelId}/${messageId}`,
      },
    ],
  };
}
