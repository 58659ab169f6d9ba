/**
 * Which way imports may point (checked by `npm test` through `npm run deps`). The README's architecture
 * section draws the same picture. In short: Discord lives in src/discord (the command modules
 * are plain JSON with Discord's types); the logic below it (search, quotes, calendar, reminders, storage, views) knows nothing of
 * Discord, the console or the CLI; nothing in src imports a command module; and no folder depends, through
 * any path, on a folder that depends on it.
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A module must not import itself through other modules.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycles",
      comment: "Folders depend one way: no folder reaches back to a folder that depends on it.",
      severity: "error",
      scope: "folder",
      from: {},
      to: { circular: true },
    },
    {
      name: "discord-js-only-in-discord",
      comment:
        "Only src/discord loads discord.js: the command modules are plain JSON checked against discord-api-types' types (import type) with the codes of src/runtime/command-codes.ts, so the console and the CLI start without it.",
      severity: "error",
      from: { pathNot: "^(src/discord|test|bench)/" },
      to: { path: "^node_modules/(discord\\.js|@discordjs)/" },
    },
    {
      name: "discord-layer-on-top",
      comment: "Only the CLI reaches src/discord; the logic below it gets Discord through ports.",
      severity: "error",
      from: { pathNot: "^(src/discord/|src/cli/|test/|bench/)" },
      to: { path: "^src/discord/" },
    },
    {
      name: "src-never-imports-commands",
      comment: "Commands are loaded from their folder at run time; src code never imports one.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^commands/" },
    },
    {
      name: "logic-knows-no-surface",
      comment:
        "Search, quotes, people, text, calendar, storage, reminders and views know nothing of commands or surfaces.",
      severity: "error",
      from: { path: "^src/(search|quotes|people|text|storage|reminders|views|corpus|i18n|calendar|ingest)/" },
      to: { path: "^src/(cli|console|discord|tools|runtime)/" },
    },
    {
      name: "cli-loads-discord-and-ingest-on-demand",
      comment:
        "src/cli reaches every part, but Discord (and with it discord.js) and talks-bot add's page parsers only through import() in the operation that needs them, so a one-shot command or the console never loads them.",
      severity: "error",
      from: { path: "^src/cli/" },
      to: { path: "^src/(discord|ingest)/", dynamic: false },
    },
    {
      name: "runtime-knows-no-surface",
      comment:
        "src/runtime (the command contract, the context built at start, cooldowns, recent answers, votes) is what Discord, the console and the CLI run commands on: it uses the logic below it and none of them.",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^src/(cli|console|discord|ingest|tools)/" },
    },
    {
      name: "lease-knows-only-storage",
      comment:
        "The shard lease (src/lease: acquire, check, renew) works on the storage contract alone: it knows nothing of Discord, reminders, commands or any other part, which take it as a port.",
      severity: "error",
      from: { path: "^src/lease/" },
      to: { path: "^src/", pathNot: "^src/(lease/|storage/types\\.ts$|logger\\.ts$)" },
    },
    {
      name: "calendar-is-plain-computation",
      comment:
        "src/calendar (dates, zones, places, prayer times, the Umm al-Qura calendar, the countdown) is plain computation: it imports only the catalogs and text helpers it words its errors with, and the project's paths.",
      severity: "error",
      from: { path: "^src/calendar/" },
      to: { path: "^src/", pathNot: "^src/(calendar/|i18n/|text/|errors\\.ts$|paths\\.ts$)" },
    },
    {
      name: "i18n-below-everything",
      comment:
        "The catalogs and their formatting sit under every module that speaks: they import only text and paths.",
      severity: "error",
      from: { path: "^src/i18n/" },
      to: { path: "^src/", pathNot: "^src/(i18n/|text/|paths\\.ts$)" },
    },
    {
      name: "ingest-only-from-the-cli",
      comment:
        "src/ingest (talks-bot add) is an operator's tool the CLI loads on demand: the bot, the console and the one-shot ask never import it, so they never load its page parsers.",
      severity: "error",
      from: { pathNot: "^(src/ingest/|src/cli/|test/|bench/)" },
      to: { path: "^src/ingest/" },
    },
    {
      name: "ingest-reads-the-corpus-only",
      comment:
        "Adding a report reads and writes corpus files: it uses the corpus loader and plain helpers, never search, storage, views or Discord.",
      severity: "error",
      from: { path: "^src/ingest/" },
      to: {
        path: "^src/",
        pathNot: "^src/(ingest/|corpus/|text/|calendar/time\\.ts$|errors\\.ts$|paths\\.ts$)",
      },
    },
    {
      name: "page-parsers-only-in-ingest",
      comment: "The HTML and Markdown parsers (linkedom, Readability, marked) are for adding reports only.",
      severity: "error",
      from: { pathNot: "^(src/ingest|test|bench)/" },
      to: { path: "^node_modules/(linkedom|@mozilla/readability|marked)/" },
    },
    {
      name: "tools-are-leaves",
      comment: "The maintenance scripts in src/tools are run, never imported by the product.",
      severity: "error",
      from: { path: "^(src|commands)/", pathNot: "^src/tools/" },
      to: { path: "^src/tools/" },
    },
  ],
  options: {
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|data)/" },
  },
};
