import { SlashCommandBuilder } from "discord.js";
import { describe, expect, it } from "vitest";
import { parseLine } from "../src/console/parse.js";
import type { Command } from "../src/runtime/command.js";
import { notice } from "../src/views/card.js";

const run = () => notice("ok");
const commands: Command[] = [
  {
    data: new SlashCommandBuilder()
      .setName("ask")
      .setDescription("d")
      .addStringOption((o) => o.setName("question").setDescription("d").setRequired(true).setMaxLength(20))
      .addBooleanOption((o) => o.setName("hide").setDescription("d"))
      .toJSON(),
    run,
  },
  {
    data: new SlashCommandBuilder()
      .setName("quote")
      .setDescription("d")
      .addStringOption((o) => o.setName("speaker").setDescription("d"))
      .addStringOption((o) => o.setName("topic").setDescription("d"))
      .toJSON(),
    run,
  },
  {
    data: new SlashCommandBuilder()
      .setName("reminders")
      .setDescription("d")
      .addSubcommand((s) =>
        s
          .setName("preview")
          .setDescription("d")
          .addStringOption((o) => o.setName("timezone").setDescription("d"))
          .addIntegerOption((o) =>
            o.setName("day_offset").setDescription("d").setMinValue(-2).setMaxValue(2),
          ),
      )
      .addSubcommand((s) => s.setName("show").setDescription("d"))
      .toJSON(),
    run,
  },
];

const parsed = (line: string) => {
  const result = parseLine(line, commands);
  return {
    name: result.command.data.name,
    subcommand: result.subcommand,
    options: Object.fromEntries(result.options),
  };
};

describe("console line parsing", () => {
  it("reads options as Discord's command bar does", () => {
    expect(parsed("/ask question: who is mediating")).toEqual({
      name: "ask",
      subcommand: null,
      options: { question: "who is mediating" },
    });
    expect(parsed("/quote speaker: kirby topic: un vote")).toEqual({
      name: "quote",
      subcommand: null,
      options: { speaker: "kirby", topic: "un vote" },
    });
    expect(parsed("/quote topic: rafah speaker:gantz")).toEqual({
      name: "quote",
      subcommand: null,
      options: { speaker: "gantz", topic: "rafah" },
    });
    expect(parsed("/ask question: hi hide: true")).toEqual({
      name: "ask",
      subcommand: null,
      options: { question: "hi", hide: true },
    });
  });

  it("sends bare text to the first required text option", () => {
    expect(parsed("/ask who is mediating?")).toEqual({
      name: "ask",
      subcommand: null,
      options: { question: "who is mediating?" },
    });
  });

  it("keeps colons inside values that are not option names", () => {
    expect(parsed("/ask question: what time: 10:30?")).toEqual({
      name: "ask",
      subcommand: null,
      options: { question: "what time: 10:30?" },
    });
  });

  it("reads subcommands and typed values", () => {
    expect(parsed("/reminders preview timezone: Asia/Riyadh day_offset: -1")).toEqual({
      name: "reminders",
      subcommand: "preview",
      options: { timezone: "Asia/Riyadh", day_offset: -1 },
    });
  });

  it.each([
    ["ask", "Commands start with /"],
    ["/nope", "Unknown command /nope. Commands: /ask, /quote, /reminders."],
    ["/ask", "/ask: 'question' is required. Usage: /ask question: <question> [hide: …]"],
    ["/ask question:", "/ask: 'question' needs a value."],
    ["/ask question: this question is far too long", "/ask: 'question' is 29 characters; the limit is 20."],
    ["/ask question: x hide: maybe", "/ask: 'hide' must be true or false."],
    ["/quote color: red", "/quote: unknown option 'color'"],
    ["/quote hello", "/quote: unexpected text 'hello'"],
    ["/quote speaker: a speaker: b", "/quote: 'speaker' is given twice."],
    ["/reminders", "/reminders needs one of: preview, show"],
    ["/reminders preview day_offset: 5", "/reminders preview: 'day_offset' must be at most 2."],
    ["/reminders preview day_offset: 1.5", "/reminders preview: 'day_offset' must be a whole number."],
  ])("rejects %j clearly", (line, message) => {
    expect(() => parseLine(line, commands)).toThrow(message);
  });
});
