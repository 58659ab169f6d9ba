import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { commandKey } from "../src/i18n/commands.js";
import { catalogs, englishText, SOURCE_LOCALE } from "../src/i18n/index.js";
import type { BotContext, Invocation } from "../src/runtime/command.js";
import { CommandType, Context, Integration } from "../src/runtime/command-codes.js";
import type { Reply } from "../src/views/card.js";
import { helpView } from "../src/views/help.js";

export const data = {
  type: CommandType.ChatInput,
  name: "help",
  description: englishText("command.help.description"),
  contexts: [Context.Guild, Context.BotDM],
  integration_types: [Integration.GuildInstall],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const { lang } = invocation;
  const all = catalogs();
  // Where the surface shows localized names (Discord's picker) each command is listed by the name the reader
  // sees; elsewhere (the console, the CLI) by its English name.
  const commands = ctx.commands.map((command) => {
    const key = commandKey(command.data.name);
    const localized = (kind: "name" | "description") =>
      all.message(lang.locale, `${key}.${kind}`) ?? all.message(SOURCE_LOCALE, `${key}.${kind}`);
    return {
      name: (invocation.can.showLocalizedNames ? localized("name") : undefined) ?? command.data.name,
      description: localized("description") ?? "",
      menu: command.data.type === 3,
    };
  });
  return helpView(invocation, ctx.corpus, commands);
}
