/**
 * Localised command names and descriptions for Discord's command picker.
 *
 * Every name and description of a command, its subcommands and options comes from the catalogs under one key
 * scheme: `command.<command>[.<subcommand>][.option.<option>].{name,description}`, where a context-menu
 * command's key is its name in lower case with dashes ("Ask talks-bot" → `command.ask-talks-bot`). A choice's
 * name is localised by `<option>.<value>` when the catalog has that key (`method.UmmAlQura`).
 *
 * discord.js's builders validate locales against discord-api-types, which predates `ar` and `he` and throws on
 * them, although Discord's API accepts both. So the builders hold English only, and this one function adds
 * `name_localizations` and `description_localizations` to the JSON for every other language, at deploy time.
 */
import type { RESTPostAPIApplicationCommandsJSONBody } from "discord-api-types/v10";
import { type Catalogs, SOURCE_LOCALE, catalogs as shippedCatalogs } from "./index.js";

type Localizations = Record<string, string>;

interface Localizable {
  name: string;
  description?: string;
  type?: number;
  name_localizations?: Localizations | null;
  description_localizations?: Localizations | null;
  options?: Localizable[];
  choices?: { name: string; value: string | number; name_localizations?: Localizations | null }[];
}

/** The catalog key prefix of a command: `command.ask`, `command.ask-talks-bot`. */
export function commandKey(name: string): string {
  return `command.${name.toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, "-")}`;
}

function localize(
  node: Localizable,
  prefix: string,
  from: Catalogs,
  kinds: readonly ("name" | "description")[],
): Localizable {
  const out: Localizable = { ...node };
  for (const kind of kinds) {
    const localized: Localizations = {
      ...((kind === "name" ? node.name_localizations : node.description_localizations) ?? {}),
    };
    for (const locale of from.locales) {
      if (locale.code === SOURCE_LOCALE) continue;
      const text = from.message(locale.code, `${prefix}.${kind}`);
      const discordCode = locale.discord[0];
      if (text !== undefined && discordCode !== undefined) localized[discordCode] = text;
    }
    if (Object.keys(localized).length > 0) {
      if (kind === "name") out.name_localizations = localized;
      else out.description_localizations = localized;
    }
  }
  if (node.choices) {
    out.choices = node.choices.map((choice) => {
      const key = `${node.name}.${choice.value}`;
      const localized: Localizations = { ...(choice.name_localizations ?? {}) };
      for (const locale of from.locales) {
        if (locale.code === SOURCE_LOCALE) continue;
        const text = from.message(locale.code, key);
        const discordCode = locale.discord[0];
        if (text !== undefined && discordCode !== undefined) localized[discordCode] = text;
      }
      return Object.keys(localized).length > 0 ? { ...choice, name_localizations: localized } : choice;
    });
  }
  if (node.options) {
    out.options = node.options.map((option) => {
      // Subcommands (1) and groups (2) nest under their own name; options under `.option.<name>`.
      const nested = option.type === 1 || option.type === 2;
      return localize(option, `${prefix}.${nested ? "" : "option."}${option.name}`, from, [
        "name",
        "description",
      ]);
    });
  }
  return out;
}

/**
 * A command's JSON with every other language's names and descriptions added. Context-menu commands have no
 * description.
 */
export function localizeCommand(
  data: RESTPostAPIApplicationCommandsJSONBody,
  from: Catalogs = shippedCatalogs(),
): RESTPostAPIApplicationCommandsJSONBody {
  const chatInput = data.type === undefined || data.type === 1;
  return localize(
    data as unknown as Localizable,
    commandKey(data.name),
    from,
    chatInput ? ["name", "description"] : ["name"],
  ) as unknown as RESTPostAPIApplicationCommandsJSONBody;
}

/**
 * An option's name as the reader's picker shows it (`day_offset` is "تعديل_الأيام" in Arabic), for messages
 * that name an option; English where a surface takes the English names (the console and the CLI).
 */
export function optionName(
  lang: { readonly locale: string },
  path: readonly string[],
  option: string,
  from: Catalogs = shippedCatalogs(),
): string {
  const key = `${commandKey(path[0] ?? "")}${path
    .slice(1)
    .map((p) => `.${p}`)
    .join("")}.option.${option}.name`;
  return from.message(lang.locale, key) ?? option;
}
