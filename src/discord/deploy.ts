import type { Writable } from "node:stream";
import type { Config } from "../config.js";
import { localizeCommand } from "../i18n/commands.js";
import { loadCommands } from "../runtime/command.js";
import { PermissionFlagsBits, REST, Routes } from "./lib.js";

/** Exactly what the bot needs: reminders post an embed in a channel. Replies to commands need nothing. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;

/** The link a server admin opens to add the bot, with the `bot` and `applications.commands` scopes. */
export function inviteUrl(clientId: string): string {
  const params = new URLSearchParams({
    client_id: clientId,
    scope: "bot applications.commands",
    permissions: BOT_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString().replace(/\+/g, "%20")}`;
}

/**
 * Registers every command with one bulk overwrite: to the dev guild when DISCORD_GUILD_ID is set
 * (instant), globally otherwise (may take a while to show). Starting the bot never does this.
 */
export async function deployCommands(
  config: Config,
  out: Writable,
  options: { clear?: boolean } = {},
): Promise<number> {
  const { token, clientId, guildId, apiUrl } = config.discord;
  if (!token || !clientId) throw new Error("deploy: DISCORD_TOKEN and DISCORD_CLIENT_ID are required");
  // `--clear` empties the dev guild's list, e.g. after moving to global commands, which would show twice there.
  if (options.clear && !guildId)
    throw new Error("deploy: --clear removes a dev guild's commands and needs DISCORD_GUILD_ID");
  const commands = options.clear ? [] : await loadCommands();
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const route = guildId
    ? Routes.applicationGuildCommands(clientId, guildId)
    : Routes.applicationCommands(clientId);
  // Every language's command names and descriptions, added to the builders' JSON in one place.
  const body = commands.map((c) => localizeCommand(c.data));
  const registered = (await rest.put(route, { body })) as {
    name: string;
    type?: number;
  }[];
  const names = registered.map((c) =>
    c.type === undefined || c.type === 1 ? `/${c.name}` : `“${c.name}” (menu)`,
  );
  if (options.clear) {
    out.write(`Removed every command from guild ${guildId}\n`);
    return 0;
  }
  out.write(
    `Registered ${registered.length} command(s) ${guildId ? `to guild ${guildId}` : "globally (can take up to an hour to appear)"}: ${names.join(", ")}\n`,
  );
  return 0;
}
