import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIEmbed, REST } from "discord.js";
import { markRtlLines } from "../text/bidi.js";
import type { Card, CardTone, Reply, ReplyAction } from "../views/card.js";
import { LIMITS, truncate } from "../views/limits.js";
import { ButtonStyle, ComponentType, MessageFlags, Routes } from "./lib.js";

const COLORS: Record<CardTone, number> = {
  answer: 0x2b6cb0,
  tentative: 0x718096,
  info: 0x4a5568,
  notice: 0xb7791f,
  warning: 0xc53030,
};

/** The message body every send shares: no mention is parsed unless a reply names its one target. */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowedMentions: { parse: []; users?: string[]; roles?: string[] };
  flags?: typeof MessageFlags.Ephemeral;
}

function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

function toEmbed(card: Card, dir: "ltr" | "rtl"): APIEmbed {
  // Right-to-left lines are marked so Discord lays them out right to left (see text/bidi.ts).
  const text = dir === "rtl" ? markRtlLines : (value: string) => value;
  const embed: APIEmbed = {
    title: truncate(text(card.title), LIMITS.title),
    color: COLORS[card.tone ?? "info"],
  };
  if (card.url) embed.url = card.url;
  if (card.description) embed.description = truncate(text(card.description), LIMITS.description);
  if (card.fields && card.fields.length > 0) {
    embed.fields = card.fields.slice(0, LIMITS.fields).map((field) => ({
      name: truncate(text(field.name), LIMITS.fieldName) || "\u200b",
      value: truncate(text(field.value), LIMITS.fieldValue) || "\u200b",
      inline: field.inline ?? false,
    }));
  }
  if (card.footer) embed.footer = { text: truncate(text(card.footer), LIMITS.footer) };
  return embed;
}

interface TextSlot {
  get(): string;
  set(value: string): void;
}

function textSlots(embed: APIEmbed): TextSlot[] {
  const slots: TextSlot[] = [];
  if (embed.description)
    slots.push({ get: () => embed.description ?? "", set: (v) => (embed.description = v) });
  for (const field of embed.fields ?? []) {
    slots.push({ get: () => field.value, set: (v) => (field.value = v) });
    slots.push({ get: () => field.name, set: (v) => (field.name = v) });
  }
  if (embed.footer) {
    const footer = embed.footer;
    slots.push({ get: () => footer.text, set: (v) => (footer.text = v) });
  }
  if (embed.title) slots.push({ get: () => embed.title ?? "", set: (v) => (embed.title = v) });
  return slots;
}

/**
 * Fits embeds into Discord's 6000-character total: shortens the longest text first, so a long answer
 * loses its tail rather than a field disappearing; drops trailing fields only when nothing can shrink.
 */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const kept = embeds.slice(0, LIMITS.embeds);
  const total = () => kept.reduce((sum, e) => sum + embedLength(e), 0);
  for (let excess = total() - LIMITS.embedTotal; excess > 0; excess = total() - LIMITS.embedTotal) {
    const longest = kept
      .flatMap(textSlots)
      .reduce<TextSlot | undefined>(
        (best, slot) => (!best || slot.get().length > best.get().length ? slot : best),
        undefined,
      );
    const length = longest?.get().length ?? 0;
    if (longest && length > 32) {
      longest.set(truncate(longest.get(), Math.max(32, length - excess)));
      continue;
    }
    const last = kept[kept.length - 1];
    if (last?.fields && last.fields.length > 0) last.fields.pop();
    else if (kept.length > 1) kept.pop();
    else break;
  }
  return kept;
}

/**
 * A button as Discord's API spells it. Written as plain objects rather than with discord.js's builders, which
 * validate every field of every button on every reply; the labels are cut to Discord's limit here.
 */
function buttonOf(
  customId: string,
  label: string,
  style: typeof ButtonStyle.Primary | typeof ButtonStyle.Secondary,
  emoji?: string,
): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label: truncate(label, LIMITS.buttonLabel),
    style,
    ...(emoji ? { emoji: { name: emoji } } : {}),
  };
}

function button(action: ReplyAction): APIButtonComponentWithCustomId[] {
  switch (action.kind) {
    case "more-sources":
      return [buttonOf(`ask:more:${action.key}`, action.label, ButtonStyle.Secondary)];
    case "post-publicly":
      return [buttonOf(`ask:public:${action.key}`, action.label, ButtonStyle.Primary)];
    case "feedback":
      return [
        buttonOf(`ask:up:${action.key}`, action.labels.helpful, ButtonStyle.Secondary, "👍"),
        buttonOf(`ask:down:${action.key}`, action.labels.unhelpful, ButtonStyle.Secondary, "👎"),
      ];
  }
}

/** Renders a surface-neutral Reply as a Discord message within every limit. */
export function toDiscordMessage(reply: Reply, options: { withComponents?: boolean } = {}): DiscordMessage {
  const buttons = (options.withComponents ?? true) ? (reply.actions ?? []).flatMap(button).slice(0, 5) : [];
  const message: DiscordMessage = {
    embeds: fitEmbeds(reply.cards.map((card) => toEmbed(card, reply.dir ?? "ltr"))),
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
    allowedMentions: {
      parse: [],
      ...(reply.mentionUserId ? { users: [reply.mentionUserId] } : {}),
      ...(reply.mentionRoleId ? { roles: [reply.mentionRoleId] } : {}),
    },
  };
  if (reply.content)
    message.content = truncate(
      reply.dir === "rtl" ? markRtlLines(reply.content) : reply.content,
      LIMITS.content,
    );
  if (reply.ephemeral) message.flags = MessageFlags.Ephemeral;
  return message;
}

/**
 * A rendered message as Discord's API spells it (`allowed_mentions`), for the bot's first reply to an
 * interaction, which it posts to the interaction callback itself.
 */
export function apiBody(message: DiscordMessage) {
  const { allowedMentions, content, embeds, components, flags } = message;
  return {
    ...(content ? { content } : {}),
    embeds,
    components,
    allowed_mentions: {
      parse: allowedMentions.parse,
      ...(allowedMentions.users ? { users: allowedMentions.users } : {}),
      ...(allowedMentions.roles ? { roles: allowedMentions.roles } : {}),
    },
    ...(flags ? { flags } : {}),
  };
}

/**
 * Posts a rendered message to a channel over REST, with extra fields such as a nonce. Used for the daily
 * reminder and its test post. A channel message takes no interaction flags (a preview's "only you see
 * this" means nothing there), no buttons, and pings at most the role it names.
 */
export async function postToChannel(
  rest: REST,
  channelId: string,
  message: DiscordMessage,
  extra: { nonce?: string; enforce_nonce?: boolean } = {},
): Promise<{ id: string }> {
  const { allowedMentions, content, embeds } = message;
  const body = {
    ...(content ? { content } : {}),
    embeds,
    allowed_mentions: { parse: allowedMentions.parse, roles: allowedMentions.roles ?? [] },
    ...extra,
  };
  return (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
}
