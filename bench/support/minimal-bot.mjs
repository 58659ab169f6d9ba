// The minimal discord.js 14 bot the start-up and memory figures are compared with, as its own process:
// Guilds intent, discord.js's default caches, no mentions, every slash command answered with a fixed embed.
// Settings: DISCORD_TOKEN, DISCORD_API_URL. Stops cleanly on SIGTERM.
import { Client, Events, GatewayIntentBits } from "discord.js";

const client = new Client({
  intents: [GatewayIntentBits.Guilds],
  allowedMentions: { parse: [] },
  rest: { api: process.env.DISCORD_API_URL },
});
client.on(Events.InteractionCreate, (interaction) => {
  if (!interaction.isChatInputCommand()) return;
  interaction.reply({ embeds: [{ title: "Pong", description: "A fixed reply." }] }).catch((error) => {
    console.error("minimal bot: reply failed:", error);
  });
});
process.once("SIGTERM", () => {
  client.destroy().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
await client.login(process.env.DISCORD_TOKEN);
