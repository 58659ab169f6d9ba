/**
 * Discord's rules the fake Discord enforces, in one place: what a message body may hold (content, embeds,
 * nonce, `allowed_mentions`), which callback types an interaction accepts, autocomplete choices and modals,
 * and what a bulk overwrite of commands may register (names, descriptions, localizations, options, choices,
 * sizes). Each breach is answered as Discord answers it: 50035 "Invalid Form Body" with the field's path, or
 * 50006 for an empty message.
 */
import { CommandType, OptionType } from "../../src/runtime/command-codes.js";
import { DiscordErrors, type DiscordHttpError, type FormErrors, formError } from "./fake-discord-http.js";
import { InteractionKind, type InteractionPayload, type StoredOption } from "./fake-discord-interactions.js";
import type { AllowedMentions, EmbedData } from "./fake-discord-model.js";
import type { ResponseData } from "./fake-discord-routes.js";

// ---------------------------------------------------------------- messages

function addError(
  errors: FormErrors,
  path: readonly (string | number)[],
  code: string,
  message: string,
): void {
  let node: FormErrors = errors;
  for (const key of path) {
    const existing = node[String(key)];
    if (existing === undefined || Array.isArray(existing)) {
      const next: FormErrors = {};
      node[String(key)] = next;
      node = next;
    } else {
      node = existing;
    }
  }
  const list = node._errors;
  const entry = { code, message };
  if (Array.isArray(list)) list.push(entry);
  else node._errors = [entry];
}

function maxLength(
  errors: FormErrors,
  path: readonly (string | number)[],
  value: unknown,
  max: number,
  min = 0,
): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string") {
    addError(errors, path, "STRING_TYPE_CONVERT", "Could not interpret value as string.");
    return;
  }
  if (value.length > max)
    addError(errors, path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  if (value.length < min) {
    addError(errors, path, "BASE_TYPE_MIN_LENGTH", `Must be ${min} or more in length.`);
  }
}

/** Options for {@link validateMessageBody}. */
export interface MessageValidation {
  /** An edit: fields may be absent and an empty result is allowed. */
  partial?: boolean;
  /** Files arrived alongside the JSON (multipart), so the message is not empty. */
  hasFiles?: boolean;
}

/** Problems Discord would reject a message body for; `null` when it is acceptable. */
export type MessageProblem =
  | { status: 400; code: 50006; message: string }
  | { status: 400; code: 50035; message: string; errors: FormErrors };

/**
 * Checks a message body against Discord's limits: content ≤ 2000, ≤ 10 embeds, embed field limits, 6000
 * characters across embeds, nonce ≤ 25, `allowed_mentions.parse` not combined with id lists, and not empty.
 */
export function validateMessageBody(
  body: Record<string, unknown>,
  options: MessageValidation = {},
): MessageProblem | null {
  const errors: FormErrors = {};
  maxLength(errors, ["content"], body.content, 2000);
  const embeds = body.embeds;
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds)) {
      addError(errors, ["embeds"], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.");
    } else {
      if (embeds.length > 10) {
        addError(errors, ["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
      }
      let total = 0;
      for (const [i, raw] of embeds.entries()) {
        const embed = (raw ?? {}) as EmbedData;
        maxLength(errors, ["embeds", i, "title"], embed.title, 256);
        maxLength(errors, ["embeds", i, "description"], embed.description, 4096);
        maxLength(errors, ["embeds", i, "footer", "text"], embed.footer?.text, 2048);
        maxLength(errors, ["embeds", i, "author", "name"], embed.author?.name, 256);
        total += (embed.title ?? "").length + (embed.description ?? "").length;
        total += (embed.footer?.text ?? "").length + (embed.author?.name ?? "").length;
        const fields = embed.fields ?? [];
        if (fields.length > 25) {
          addError(errors, ["embeds", i, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
        }
        for (const [j, field] of fields.entries()) {
          maxLength(errors, ["embeds", i, "fields", j, "name"], field.name, 256, 1);
          maxLength(errors, ["embeds", i, "fields", j, "value"], field.value, 1024, 1);
          total += (field.name ?? "").length + (field.value ?? "").length;
        }
      }
      if (total > 6000) {
        addError(errors, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
      }
    }
  }
  const nonce = body.nonce;
  if (typeof nonce === "string") maxLength(errors, ["nonce"], nonce, 25);
  const mentions = body.allowed_mentions as AllowedMentions | undefined | null;
  if (mentions) {
    const parse = mentions.parse ?? [];
    if (parse.includes("users") && mentions.users !== undefined && mentions.users.length > 0) {
      addError(
        errors,
        ["allowed_mentions"],
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        'parse:["users"] and users: [ids...] are mutually exclusive.',
      );
    }
    if (parse.includes("roles") && mentions.roles !== undefined && mentions.roles.length > 0) {
      addError(
        errors,
        ["allowed_mentions"],
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        'parse:["roles"] and roles: [ids...] are mutually exclusive.',
      );
    }
    if ((mentions.users?.length ?? 0) > 100 || (mentions.roles?.length ?? 0) > 100) {
      addError(errors, ["allowed_mentions"], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
    }
  }
  if (Object.keys(errors).length > 0) {
    return { status: 400, code: 50035, message: "Invalid Form Body", errors };
  }
  if (!options.partial && !options.hasFiles) {
    const content = typeof body.content === "string" ? body.content.trim() : "";
    const hasEmbeds = Array.isArray(embeds) && embeds.length > 0;
    const hasComponents = Array.isArray(body.components) && body.components.length > 0;
    const hasStickers = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
    if (!content && !hasEmbeds && !hasComponents && !hasStickers && !body.poll) {
      return { status: 400, code: 50006, message: "Cannot send an empty message" };
    }
  }
  return null;
}

// ---------------------------------------------------------------- interaction responses

/** The callback types Discord accepts for an interaction of this kind. */
export function allowedCallbackTypes(payload: InteractionPayload): number[] {
  switch (payload.type) {
    case InteractionKind.ApplicationCommandAutocomplete:
      return [8];
    case InteractionKind.MessageComponent:
      return [4, 5, 6, 7, 9, 12];
    case InteractionKind.ModalSubmit:
      return payload.message ? [4, 5, 6, 7] : [4, 5];
    default:
      return [4, 5, 9, 12];
  }
}

/** The error Discord answers a rejected message body with. */
export function toHttpError(problem: NonNullable<ReturnType<typeof validateMessageBody>>): DiscordHttpError {
  if (problem.code === 50006) return DiscordErrors.emptyMessage();
  return DiscordErrors.invalidForm(problem.errors);
}

// ---------------------------------------------------------------- command registration

const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The locales Discord's API accepts in `*_localizations` (its OpenAPI spec), `ar` and `he` included. */
const DISCORD_LOCALES = new Set([
  "ar",
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en-GB",
  "en-US",
  "es-419",
  "es-ES",
  "fi",
  "fr",
  "he",
  "hi",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "nl",
  "no",
  "pl",
  "pt-BR",
  "ro",
  "ru",
  "sv-SE",
  "th",
  "tr",
  "uk",
  "vi",
  "zh-CN",
  "zh-TW",
]);

/** Checks a localization map: known locales, each value passing the same check as the default. */
function checkLocalizations(
  path: (string | number)[],
  field: string,
  map: unknown,
  check: (path: (string | number)[], value: string) => void,
): void {
  if (map === undefined || map === null) return;
  if (typeof map !== "object" || Array.isArray(map))
    throw formError([...path, field], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  for (const [locale, value] of Object.entries(map as Record<string, unknown>)) {
    if (!DISCORD_LOCALES.has(locale))
      throw formError([...path, field, locale], "LOCALE_INVALID", `Invalid locale: ${locale}`);
    check([...path, field, locale], typeof value === "string" ? value : "");
  }
}

/** A localized name or description follows the same rule as the default one. */
const checkLocalizedName = (path: (string | number)[], value: string) => {
  if (!NAME_PATTERN.test(value) || value !== value.toLowerCase())
    throw formError(path, "APPLICATION_COMMAND_INVALID_NAME", `Command name is invalid: ${value}`);
};
const checkLocalizedDescription = (path: (string | number)[], value: string) => {
  if (value.length < 1 || value.length > 100)
    throw formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
};
const checkLength32 = (path: (string | number)[], value: string) => {
  if (value.length < 1 || value.length > 32)
    throw formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
};

/** Checks a bulk overwrite of commands the way Discord does (names, descriptions, option and choice limits). */
export function validateCommands(list: readonly Record<string, unknown>[]): void {
  const seen = new Set<string>();
  let chatInput = 0;
  for (const [i, command] of list.entries()) {
    const type = Number(command.type ?? CommandType.ChatInput);
    const name = String(command.name ?? "");
    if (seen.has(`${type}:${name}`)) {
      throw formError(
        [i, "name"],
        "APPLICATION_COMMANDS_DUPLICATE_NAME",
        `Application command names must be unique`,
      );
    }
    seen.add(`${type}:${name}`);
    if (type === CommandType.ChatInput) {
      chatInput += 1;
      checkName([i], name);
      checkDescription([i], command.description);
      checkLocalizations([i], "name_localizations", command.name_localizations, checkLocalizedName);
      checkLocalizations(
        [i],
        "description_localizations",
        command.description_localizations,
        checkLocalizedDescription,
      );
      checkOptions([i], command.options as StoredOption[] | undefined, 0);
      if (commandSize(command) > 8000) {
        throw formError([i], "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)");
      }
    } else {
      checkLength32([i, "name"], name);
      checkLocalizations([i], "name_localizations", command.name_localizations, checkLength32);
    }
  }
  if (chatInput > 100) {
    throw formError(
      [],
      "APPLICATION_COMMANDS_MAX_EXCEEDED",
      "Maximum number of application commands reached (100)",
    );
  }
}

function checkName(path: (string | number)[], name: string): void {
  if (!NAME_PATTERN.test(name) || name !== name.toLowerCase()) {
    throw formError(
      [...path, "name"],
      "APPLICATION_COMMAND_INVALID_NAME",
      `Command name is invalid: ${name}`,
    );
  }
}

function checkDescription(path: (string | number)[], description: unknown): void {
  const text = typeof description === "string" ? description : "";
  if (text.length < 1 || text.length > 100) {
    throw formError([...path, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  }
}

function checkOptions(
  path: (string | number)[],
  options: readonly StoredOption[] | undefined,
  depth: number,
): void {
  if (!options) return;
  if (options.length > 25)
    throw formError([...path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  let optionalSeen = false;
  for (const [j, option] of options.entries()) {
    const here = [...path, "options", j];
    checkName(here, String(option.name ?? ""));
    checkDescription(here, option.description);
    checkLocalizations(here, "name_localizations", option.name_localizations, checkLocalizedName);
    checkLocalizations(
      here,
      "description_localizations",
      option.description_localizations,
      checkLocalizedDescription,
    );
    if (option.type === OptionType.Subcommand || option.type === OptionType.SubcommandGroup) {
      if (depth >= (option.type === OptionType.SubcommandGroup ? 1 : 2)) {
        throw formError(here, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands nested too deeply");
      }
      checkOptions(here, option.options, depth + 1);
      continue;
    }
    if (option.required) {
      if (optionalSeen) {
        throw formError(
          here,
          "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
          "Required options must be placed before non-required options",
        );
      }
    } else {
      optionalSeen = true;
    }
    const choices = option.choices as { name?: unknown; value?: unknown }[] | undefined;
    if (choices && option.autocomplete) {
      throw formError(
        here,
        "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE",
        "Autocomplete cannot be set with choices",
      );
    }
    if (choices && choices.length > 25) {
      throw formError([...here, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    }
    for (const [k, choice] of (choices ?? []).entries()) {
      const choiceName = String(choice.name ?? "");
      checkLocalizations(
        [...here, "choices", k],
        "name_localizations",
        (choice as { name_localizations?: unknown }).name_localizations,
        (p, v) => {
          if (v.length < 1 || v.length > 100)
            throw formError(p, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
        },
      );
      if (choiceName.length < 1 || choiceName.length > 100) {
        throw formError(
          [...here, "choices", k, "name"],
          "BASE_TYPE_BAD_LENGTH",
          "Must be between 1 and 100 in length.",
        );
      }
      if (typeof choice.value === "string" && choice.value.length > 100) {
        throw formError(
          [...here, "choices", k, "value"],
          "BASE_TYPE_MAX_LENGTH",
          "Must be 100 or fewer in length.",
        );
      }
    }
    const minLength = option.min_length as number | undefined;
    const maxLength = option.max_length as number | undefined;
    if (minLength !== undefined && (minLength < 0 || minLength > 6000)) {
      throw formError([...here, "min_length"], "NUMBER_TYPE_MAX", "int value should be between 0 and 6000.");
    }
    if (maxLength !== undefined && (maxLength < 1 || maxLength > 6000)) {
      throw formError([...here, "max_length"], "NUMBER_TYPE_MAX", "int value should be between 1 and 6000.");
    }
  }
}

/** Discord counts the longest of a field's default and localized texts toward the 8,000 characters. */
function longest(value: unknown, localizations: unknown): number {
  const texts = [
    String(value ?? ""),
    ...Object.values((localizations as Record<string, unknown> | null) ?? {}),
  ];
  return Math.max(...texts.map((t) => String(t).length));
}

function commandSize(command: Record<string, unknown>): number {
  let size =
    longest(command.name, command.name_localizations) +
    longest(command.description, command.description_localizations);
  const walk = (options: readonly StoredOption[] | undefined): void => {
    for (const option of options ?? []) {
      size +=
        longest(option.name, option.name_localizations) +
        longest(option.description, option.description_localizations);
      for (const choice of (option.choices as Record<string, unknown>[] | undefined) ?? []) {
        size += longest(choice.name, choice.name_localizations) + String(choice.value ?? "").length;
      }
      walk(option.options);
    }
  };
  walk(command.options as StoredOption[] | undefined);
  return size;
}

export function validateChoices(data: ResponseData): void {
  const choices = data.choices;
  if (!Array.isArray(choices))
    throw formError(["data", "choices"], "BASE_TYPE_REQUIRED", "This field is required");
  if (choices.length > 25)
    throw formError(["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  for (const [i, choice] of choices.entries()) {
    const name = typeof choice.name === "string" ? choice.name : "";
    if (name.length < 1 || name.length > 100) {
      throw formError(
        ["data", "choices", i, "name"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      );
    }
    if (typeof choice.value === "string" && choice.value.length > 100) {
      throw formError(
        ["data", "choices", i, "value"],
        "BASE_TYPE_MAX_LENGTH",
        "Must be 100 or fewer in length.",
      );
    }
  }
}

export function validateModal(data: ResponseData): void {
  if (typeof data.custom_id !== "string" || data.custom_id.length === 0) {
    throw formError(["data", "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
  }
  if (typeof data.title !== "string" || data.title.length < 1 || data.title.length > 45) {
    throw formError(["data", "title"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length.");
  }
  const components = data.components;
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
    throw formError(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  }
}
