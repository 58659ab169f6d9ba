import type { Lang } from "../i18n/index.js";

/**
 * Surface-neutral replies. Commands produce a Reply; the Discord renderer turns it into embeds and
 * components, the console renderer into terminal text, so both show the same content.
 */

export interface CardField {
  readonly name: string;
  readonly value: string;
  readonly inline?: boolean;
}

/** `tentative`: the closest the coverage comes, which may not answer the question. */
export type CardTone = "answer" | "tentative" | "info" | "notice" | "warning";

export interface Card {
  readonly title: string;
  readonly url?: string | undefined;
  readonly description?: string | undefined;
  readonly fields?: readonly CardField[];
  readonly footer?: string | undefined;
  readonly tone?: CardTone;
}

/** Follow-up actions a reply offers; Discord shows them as buttons, the console as a hint. */
export type ReplyAction =
  | { readonly kind: "more-sources"; readonly key: string; readonly label: string }
  | { readonly kind: "post-publicly"; readonly key: string; readonly label: string }
  | {
      readonly kind: "feedback";
      readonly key: string;
      readonly labels: { readonly helpful: string; readonly unhelpful: string };
    };

export interface Reply {
  /** The direction of the reply's language: right-to-left lines are marked for renderers (see text/bidi). */
  readonly dir?: "ltr" | "rtl";
  readonly content?: string | undefined;
  readonly cards: readonly Card[];
  /** Only the person who asked sees it (Discord); errors and settings replies are ephemeral. */
  readonly ephemeral?: boolean;
  readonly actions?: readonly ReplyAction[];
  /** The one user this reply may ping (the `/ask mention:` target). */
  readonly mentionUserId?: string | undefined;
  /** The one role this reply may ping (a reminder's configured role). */
  readonly mentionRoleId?: string | undefined;
  /** The result as data, for the CLI's `--json` (each command documents its shape). */
  readonly data?: unknown;
  /**
   * Set when the reply reports a failure of the request itself (an unknown speaker): Discord and the console
   * show the reply as it is; the CLI prints this line to stderr and exits with code 1.
   */
  readonly failure?: string | undefined;
}

/** How a view writes inline markup, which differs between Discord and a terminal. */
export interface Markup {
  /** Escapes user or corpus text so it renders literally. */
  escape(text: string): string;
  bold(text: string): string;
  italic(text: string): string;
  /** A quotation block. */
  quote(text: string): string;
  /** A timestamp: Discord renders it in each reader's zone. */
  timestamp(at: Date, style: "full" | "date", timeZone: string): string;
  /** A live "in 3 days" that the reader's client keeps current; undefined where the surface has none. */
  liveRelative(at: Date): string | undefined;
  link(label: string, url: string): string;
  userMention(userId: string): string;
}

/**
 * How a view speaks to its reader: in their language, with their surface's markup (Discord's, or a terminal's).
 * Every view takes it first; an Invocation is one (its reader's language and surface).
 */
export interface Voice {
  readonly markup: Markup;
  readonly lang: Lang;
}

/** A reply that is just a message to the person who invoked the command. */
export function notice(
  text: string,
  options: { title?: string; tone?: CardTone; dir?: "ltr" | "rtl" } = {},
): Reply {
  return {
    ephemeral: true,
    dir: options.dir ?? "ltr",
    cards: [{ title: options.title ?? "talks-bot", description: text, tone: options.tone ?? "notice" }],
  };
}
