/**
 * The catalogs and what uses them: every language has every message, with the same placeholders and all of its
 * plural forms; no member-facing English is left in code; command localisations fit Discord's rules; right-to-
 * left text is isolated and marked; and a fourth language is one catalog file plus one line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { printAST } from "@formatjs/icu-messageformat-parser/printer.js";
import { parseSync } from "@swc/core";
import { afterAll, describe, expect, it } from "vitest";
import { commandKey, localizeCommand } from "../src/i18n/commands.js";
import {
  CATALOG_DIR,
  Catalogs,
  catalogs,
  english,
  LOCALES,
  type LocaleInfo,
  langFor,
  SOURCE_LOCALE,
  supportedLocale,
} from "../src/i18n/index.js";
import { PROJECT_ROOT } from "../src/paths.js";
import { loadCommands } from "../src/runtime/command.js";
import { FSI, isolateCommands, markRtlLines, PDI, RLI, RLM } from "../src/text/bidi.js";

const shipped = catalogs();
const englishMessages = JSON.parse(readFileSync(join(CATALOG_DIR, "en.json"), "utf8")) as Record<
  string,
  string
>;
const KEYS = Object.keys(englishMessages);

/** Placeholder names, select cases and plural forms of a message, from its ICU syntax tree. */
interface Shape {
  readonly args: Set<string>;
  readonly selects: Map<string, Set<string>>;
  readonly plurals: { readonly name: string; readonly forms: Set<string> }[];
}

function shapeOf(message: string, locale: string): Shape {
  const shape: Shape = { args: new Set(), selects: new Map(), plurals: [] };
  const walk = (elements: readonly MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.argument || element.type === TYPE.number || element.type === TYPE.date)
        shape.args.add(element.value);
      if (element.type === TYPE.select) {
        shape.args.add(element.value);
        shape.selects.set(element.value, new Set(Object.keys(element.options)));
        for (const option of Object.values(element.options)) walk(option.value);
      }
      if (element.type === TYPE.plural) {
        shape.args.add(element.value);
        shape.plurals.push({ name: element.value, forms: new Set(Object.keys(element.options)) });
        for (const option of Object.values(element.options)) walk(option.value);
      }
    }
  };
  walk(parse(message, { ignoreTag: true, locale: new Intl.Locale(locale) }));
  return shape;
}

/** Every problem with a catalog against English: missing or extra keys, syntax, placeholders, plural forms. */
function catalogProblems(from: Catalogs, locale: LocaleInfo): string[] {
  const problems: string[] = [];
  const keys = new Set(from.keys(locale.code));
  for (const key of KEYS) if (!keys.has(key)) problems.push(`${locale.code}: missing ${key}`);
  for (const key of keys) if (!(key in englishMessages)) problems.push(`${locale.code}: extra ${key}`);
  const categories = new Intl.PluralRules(locale.intl).resolvedOptions().pluralCategories;
  for (const key of KEYS) {
    const message = from.message(locale.code, key);
    if (message === undefined) continue;
    let shape: Shape;
    try {
      shape = shapeOf(message, locale.intl);
    } catch (error) {
      problems.push(`${locale.code}: ${key} does not parse: ${(error as Error).message}`);
      continue;
    }
    const source = shapeOf(englishMessages[key] ?? "", "en");
    const args = [...shape.args].sort().join(",");
    if (args !== [...source.args].sort().join(","))
      problems.push(
        `${locale.code}: ${key} has placeholders {${args}}, English {${[...source.args].join(",")}}`,
      );
    for (const [name, cases] of source.selects) {
      const own = shape.selects.get(name);
      if (!own || [...cases].some((c) => !own.has(c)))
        problems.push(`${locale.code}: ${key} lacks select cases of ${name}`);
    }
    for (const plural of shape.plurals) {
      const missing = categories.filter((c) => !plural.forms.has(c));
      if (missing.length > 0)
        problems.push(`${locale.code}: ${key} plural ${plural.name} lacks ${missing.join(", ")}`);
    }
    if (message.trim() === "") problems.push(`${locale.code}: ${key} is empty`);
  }
  return problems;
}

describe("the catalogs", () => {
  it.each(LOCALES.map((l) => [l.code, l] as const))(
    "%s has every key, placeholder and plural form",
    (_code, locale) => {
      expect(catalogProblems(shipped, locale)).toEqual([]);
    },
  );

  it("formats every message in every language, with made-up values", () => {
    const sample = (name: string) =>
      /count|n$|^n$|day|gap|tolerance|max|length|seconds|year|min/i.test(name)
        ? 3
        : name === "what"
          ? "channel"
          : name === "why"
            ? "full"
            : "x";
    for (const locale of LOCALES) {
      const lang = langFor(locale.code);
      for (const key of KEYS) {
        const values = Object.fromEntries(
          [...shapeOf(englishMessages[key] ?? "", "en").args].map((a) => [a, sample(a)]),
        );
        expect(() => lang.t(key as never, values), `${locale.code} ${key}`).not.toThrow();
      }
    }
  });

  it("uses every English key somewhere in the code, directly or through a documented family", () => {
    const code = sourceFiles(["src", "commands"])
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    // Keys built at run time: command texts by the localisation scheme, and families indexed by a value.
    const families = [
      /^command\./,
      /^method\./,
      /^permission\./,
      /^reminders\.pause\./,
      /^polar_days\./,
      /^countdown\.(polar|fastBy)\./,
    ];
    const unused = KEYS.filter((key) => !families.some((f) => f.test(key)) && !code.includes(`"${key}"`));
    expect(unused).toEqual([]);
  });

  it("keeps the verbatim marker and the language names translated", () => {
    for (const locale of LOCALES.filter((l) => l.code !== SOURCE_LOCALE)) {
      expect(shipped.message(locale.code, "common.verbatim")).not.toBe(englishMessages["common.verbatim"]);
      expect(locale.name).not.toBe("");
    }
  });
});

describe("languages chosen from Discord locales and settings", () => {
  it("maps Discord's locales, language tags and unknowns", () => {
    expect(supportedLocale("ar")).toBe("ar");
    expect(supportedLocale("he")).toBe("he");
    expect(supportedLocale("en-US")).toBe("en");
    expect(supportedLocale("en-GB")).toBe("en");
    expect(supportedLocale("AR")).toBe("ar");
    expect(supportedLocale("he-IL")).toBe("he");
    expect(supportedLocale("fr")).toBeNull();
    expect(supportedLocale(null)).toBeNull();
    expect(langFor("xx").locale).toBe("en");
  });

  it("writes dates, Hijri months and numbers the way each language does", () => {
    const ar = langFor("ar");
    const he = langFor("he");
    expect(english().date("2024-02-22")).toBe("22 February 2024");
    expect(english().hijriMonth("2024-03-11")).toBe("Ramadan 1445 AH");
    expect(ar.hijriMonth("2024-03-11")).toMatch(/رمضان/);
    expect(ar.date("2024-02-22")).toMatch(/فبراير/);
    expect(he.hijriMonth("2024-03-11")).toMatch(/רמדאן/);
    expect(he.date("2024-02-22")).toMatch(/בפברואר/);
    expect(ar.t("unit.days", { count: 11 })).toMatch(/يوم/);
    expect(he.t("unit.days", { count: 2 })).not.toBe(he.t("unit.days", { count: 3 }));
  });

  it("gives Arabic its six plural forms", () => {
    const ar = langFor("ar");
    const forms = new Set(
      [0, 1, 2, 3, 11, 100].map((count) => ar.t("unit.days", { count }).replace(/[\d٠-٩]+/g, "#")),
    );
    expect(forms.size).toBe(6);
  });
});

describe("right to left", () => {
  it("isolates every text value placed into an Arabic or Hebrew message, and nothing in English", () => {
    const value = "Europe/London";
    expect(langFor("ar").t("zone.error.unknown", { value })).toContain(`${FSI}${value}${PDI}`);
    expect(langFor("he").t("zone.error.unknown", { value })).toContain(`${FSI}${value}${PDI}`);
    expect(english().t("zone.error.unknown", { value })).not.toContain(FSI);
    // Numbers are formatted by the message, not isolated.
    expect(langFor("ar").t("unit.days", { count: 3 })).not.toContain(FSI);
    // A date typed in Latin digits keeps its order; a phrase with Arabic in it is isolated right to left;
    // Arabic words alone and plain numbers need nothing.
    expect(langFor("ar").t("zone.error.unknown", { value: "2026-02-18" })).toContain(
      `${FSI}2026-02-18${PDI}`,
    );
    const citation = "CNN، «Title»، 22 فبراير 2024";
    expect(langFor("ar").t("source.citation", { source: citation, paragraphs: "الفقرة 2" })).toContain(
      `${RLI}${citation}${PDI}`,
    );
    expect(langFor("ar").t("status.point", { point: "نص", paragraphs: "12" })).not.toMatch(/[\u2067\u2068]/);
  });

  it("joins a Hebrew list with ו attached to a Hebrew word, and hyphenated before digits or Latin", () => {
    const he = langFor("he");
    expect(he.list(["מתווכים", "סיכונים"]).replace(/[\u2066-\u2069]/g, "")).toBe("מתווכים וסיכונים");
    expect(he.list(["Qatar", "Egypt"]).replace(/[\u2066-\u2069]/g, "")).toBe("Qatar ו-Egypt");
  });

  it("marks right-to-left lines that start with a Latin run, and leaves English lines alone", () => {
    const arabicAfterName = `${FSI}CNN${PDI}، الفقرة ٢`;
    const marked = markRtlLines(
      ["قال المصدر:", arabicAfterName, "> A verbatim English quote.", "> نص عربي"].join("\n"),
    );
    const lines = marked.split("\n");
    expect(lines[0]).toBe("قال المصدر:"); // already starts right to left
    expect(lines[1]).toBe(`${RLM}${arabicAfterName}`);
    expect(lines[2]).toBe("> A verbatim English quote.");
    expect(lines[3]).toBe("> نص عربي");
    expect(markRtlLines("Hamas said “لا”.")).toBe(`${RLM}Hamas said “لا”.`);
  });

  it("isolates the slash commands an Arabic or Hebrew sentence names, so /help never shows as help/", () => {
    expect(isolateCommands("راجع /help أو /reminders set الآن")).toBe(
      `راجع ${FSI}/help${PDI} أو ${FSI}/reminders set${PDI} الآن`,
    );
    // Placed values are isolated already and left alone; paths and dates are not commands.
    expect(isolateCommands(`قال ${FSI}/ask who${PDI} و Europe/London و 2024/02/22`)).toBe(
      `قال ${FSI}/ask who${PDI} و Europe/London و 2024/02/22`,
    );
    expect(langFor("ar").t("reminders.none.text")).toContain(`${FSI}/reminders set${PDI}`);
  });
});

// ------------------------------------------------------------------------------------------- select branches

/** The message with every `select` replaced by the branch its value picks: nothing left to match. */
function withBranchesChosen(
  elements: readonly MessageFormatElement[],
  values: Readonly<Record<string, string | number>>,
): MessageFormatElement[] {
  return elements.flatMap((element): MessageFormatElement[] => {
    if (element.type === TYPE.select) {
      const value = String(values[element.value]);
      const branch = element.options[value] ?? element.options.other;
      return withBranchesChosen(branch?.value ?? [], values);
    }
    if (element.type === TYPE.plural) {
      const options = Object.fromEntries(
        Object.entries(element.options).map(([form, option]) => [
          form,
          { ...option, value: withBranchesChosen(option.value, values) },
        ]),
      );
      return [{ ...element, options }];
    }
    return [element];
  });
}

describe("select messages", () => {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-select-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("pick, in every language, the branch English picks for each of its cases", () => {
    const selectKeys = KEYS.filter((key) => shapeOf(englishMessages[key] ?? "", "en").selects.size > 0);
    expect(selectKeys).toContain("reminders.error.badId");
    expect(selectKeys).toContain("error.notSaved");
    // Each select message, for each English case of each of its selects (and a value that no case names), is
    // compared with the same message with the branches written out, formatted the same way.
    const checks: { key: string; chosenKey: string; values: Record<string, string | number> }[] = [];
    const catalogsWithChosen = new Map<string, Record<string, string>>();
    for (const locale of LOCALES) {
      catalogsWithChosen.set(
        locale.code,
        JSON.parse(readFileSync(join(CATALOG_DIR, `${locale.code}.json`), "utf8")) as Record<string, string>,
      );
    }
    for (const key of selectKeys) {
      const shape = shapeOf(englishMessages[key] ?? "", "en");
      const base = Object.fromEntries(
        [...shape.args].map((name) => [name, shape.plurals.some((p) => p.name === name) ? 3 : "x"]),
      );
      for (const [name, cases] of shape.selects) {
        for (const value of [...[...cases].filter((c) => c !== "other"), "named-by-no-case"]) {
          const values = { ...base, [name]: value };
          const chosenKey = `${key}#${name}=${value}`;
          for (const locale of LOCALES) {
            const messages = catalogsWithChosen.get(locale.code) ?? {};
            const ast = parse(messages[key] ?? "", { ignoreTag: true, locale: new Intl.Locale(locale.intl) });
            messages[chosenKey] = printAST(withBranchesChosen(ast, values));
          }
          checks.push({ key, chosenKey, values });
        }
      }
    }
    for (const [code, messages] of catalogsWithChosen)
      writeFileSync(join(dir, `${code}.json`), JSON.stringify(messages));
    const withChosen = new Catalogs(LOCALES, dir);
    const wrong: string[] = [];
    for (const locale of LOCALES) {
      const lang = langFor(locale.code, withChosen);
      for (const { key, chosenKey, values } of checks) {
        const shown = lang.t(key as never, values);
        const expected = lang.t(chosenKey as never, values);
        if (shown !== expected) wrong.push(`${locale.code} ${chosenKey}: “${shown}”, not “${expected}”`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("says channel for a bad channel id and names a full disk, in Arabic and Hebrew too", () => {
    const strip = (text: string) => text.replace(/[\u2066-\u2069\u200f]/g, "");
    expect(strip(langFor("ar").t("reminders.error.badId", { what: "channel", value: "abc" }))).toContain(
      "لا يمكنني استخدام هذه القناة",
    );
    expect(strip(langFor("he").t("reminders.error.badId", { what: "channel", value: "abc" }))).toContain(
      "בערוץ הזה",
    );
    expect(strip(langFor("ar").t("error.notSaved", { why: "full", reference: "r1" }))).toContain(
      "القرص على خادم البوت ممتلئ",
    );
    expect(strip(langFor("he").t("error.notSaved", { why: "full", reference: "r1" }))).toContain(
      "הדיסק של השרת מלא",
    );
  });
});

describe("command localisations", () => {
  it("gives every command, option and subcommand a name and description in every language, within Discord's rules", async () => {
    const commands = await loadCommands();
    const problems: string[] = [];
    for (const command of commands) {
      const json = localizeCommand(command.data) as unknown as Node;
      const chatInput = json.type === undefined || json.type === 1;
      check(json, [command.data.name], chatInput, problems);
    }
    expect(problems).toEqual([]);
  });
});

interface Node {
  name: string;
  type?: number;
  description?: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  options?: Node[];
  choices?: { name: string; value: unknown; name_localizations?: Record<string, string> }[];
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function check(node: Node, path: string[], chatInput: boolean, problems: string[]): void {
  for (const locale of LOCALES.filter((l) => l.code !== SOURCE_LOCALE)) {
    const code = locale.discord[0] ?? locale.code;
    const name = node.name_localizations?.[code];
    if (!name) problems.push(`${path.join(" ")}: no ${code} name`);
    else if (chatInput && (!NAME.test(name) || name !== name.toLocaleLowerCase(locale.intl)))
      problems.push(`${path.join(" ")}: ${code} name "${name}" breaks Discord's name rule`);
    else if (!chatInput && (name.length < 1 || name.length > 32))
      problems.push(`${path.join(" ")}: ${code} name too long`);
    if (chatInput) {
      const description = node.description_localizations?.[code];
      if (!description || description.length > 100)
        problems.push(`${path.join(" ")}: ${code} description missing or over 100`);
    }
    for (const choice of node.choices ?? []) {
      const localized = choice.name_localizations?.[code];
      if (localized !== undefined && (localized.length < 1 || localized.length > 100))
        problems.push(`${path.join(" ")} choice ${String(choice.value)}: ${code} name length`);
    }
    const siblings = (node.options ?? []).map((o) => o.name_localizations?.[code]);
    if (new Set(siblings).size !== siblings.length)
      problems.push(`${path.join(" ")}: ${code} option names repeat`);
  }
  for (const option of node.options ?? []) check(option, [...path, option.name], chatInput, problems);
}

// ---------------------------------------------------------------------------------------------- no English

function sourceFiles(roots: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(path);
    }
  };
  for (const root of roots) walk(join(PROJECT_ROOT, root));
  return files;
}

/**
 * Code whose strings are not replies: reading the English coverage (word lists, patterns), and what only the
 * person running the bot sees, in English like the logs (configuration, storage, the operator's CLI tools,
 * among them `talks-bot add` in src/ingest).
 */
const NOT_REPLIES = [
  /^src\/(search|text|people|quotes|corpus|storage|lease|tools|ingest|cli)\//,
  /^src\/(bin|config|logger|main|paths|quotes)\.ts$/,
  /^src\/runtime\/context\.ts$/,
  /^src\/discord\/(bot|deploy)\.ts$/,
  // Loading command modules: errors for the developer who wrote one.
  /^src\/runtime\/command\.ts$/,
];

/** Errors for programmers and operators; a member never sees their text. */
const NON_USER_ERRORS = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "StorageError",
  "StorageBusyError",
  "CorpusError",
  "ConfigError",
  "UsageError",
  "RefusedError",
  "PostError",
  "LeaseLostError",
]);

/** Two words in a row; syntax shown to people as typed (`/ask question:`, `[--tz Zone]`) is not prose. */
const ENGLISH = /^(?![/[<-])[\s\S]*[A-Za-z]{2,},? [A-Za-z]{2,}/;

/** String literals and template texts that read as English, outside logs, imports, types and errors. */
function englishStrings(file: string): string[] {
  const code = readFileSync(file, "utf8");
  const ast = parseSync(code, { syntax: "typescript" }) as unknown;
  const found: string[] = [];
  const visit = (node: unknown, exempt: boolean): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, exempt);
      return;
    }
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown> & { type?: string };
    let skip = exempt;
    switch (n.type) {
      case "ImportDeclaration":
      case "ExportAllDeclaration":
      case "ExportNamedDeclaration":
        if (n.source) {
          visit({ ...n, source: null }, skip);
          return;
        }
        break;
      case "TsLiteralType":
      case "TsTypeAnnotation":
      case "TsTypeAliasDeclaration":
      case "TsInterfaceDeclaration":
        return;
      case "NewExpression": {
        const callee = n.callee as { type?: string; value?: string };
        if (callee?.type === "Identifier" && NON_USER_ERRORS.has(callee.value ?? "")) skip = true;
        break;
      }
      case "CallExpression": {
        const callee = n.callee as {
          type?: string;
          property?: { value?: string };
          object?: { value?: string; property?: { value?: string } };
        };
        const method = callee?.property?.value ?? "";
        const target = callee?.object?.value ?? callee?.object?.property?.value ?? "";
        if (/^(trace|debug|info|warn|error|fatal)$/.test(method) && /log/i.test(target)) skip = true;
        break;
      }
      case "StringLiteral":
        if (!skip && ENGLISH.test(String(n.value))) found.push(String(n.value));
        return;
      case "TemplateElement":
        if (!skip && ENGLISH.test(String(n.cooked ?? n.raw ?? ""))) found.push(String(n.cooked ?? n.raw));
        return;
      case "KeyValueProperty":
        visit(n.value, skip);
        return;
    }
    for (const [key, value] of Object.entries(n)) if (key !== "span") visit(value, skip);
  };
  visit(ast, false);
  return found;
}

describe("no English left in code", () => {
  it("reply strings in commands/, src/views/ and every module that talks to members come from the catalogs", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(["src", "commands"])) {
      const path = relative(PROJECT_ROOT, file);
      if (NOT_REPLIES.some((pattern) => pattern.test(path))) continue;
      for (const text of englishStrings(file)) offenders.push(`${path}: ${JSON.stringify(text)}`);
    }
    expect(offenders).toEqual([]);
  });

  it("catches an English sentence when there is one", () => {
    const dir = mkdtempSync(join(tmpdir(), "talks-bot-i18n-scan-"));
    try {
      const file = join(dir, "x.ts");
      writeFileSync(
        file,
        `logger.info({}, "a log line is fine"); throw new Error("so is a programming error");
         const reply = \`Daily countdown saved\`; const key = t("reminders.saved.title");`,
      );
      expect(englishStrings(file)).toEqual(["Daily countdown saved"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ------------------------------------------------------------------------------------------- fourth locale

describe("adding a language", () => {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-locale-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is one catalog file plus one line", async () => {
    for (const locale of LOCALES) {
      writeFileSync(join(dir, `${locale.code}.json`), readFileSync(join(CATALOG_DIR, `${locale.code}.json`)));
    }
    // A throwaway German catalog: every English message marked, every command name prefixed.
    const german = Object.fromEntries(
      KEYS.map((key) => [
        key,
        key.startsWith("command.") && key.endsWith(".name")
          ? `de-${englishMessages[key]?.toLowerCase().replace(/ /g, "-")}`
          : `«${englishMessages[key]}»`,
      ]),
    );
    writeFileSync(join(dir, "de.json"), JSON.stringify(german));
    // The one line: the locale's entry, as it would be added to src/i18n/locales.ts.
    const withGerman = new Catalogs(
      [...LOCALES, { code: "de", discord: ["de"], intl: "de", dir: "ltr", name: "Deutsch" }],
      dir,
    );
    expect(catalogProblems(withGerman, withGerman.info("de"))).toEqual([]);
    expect(supportedLocale("de", withGerman)).toBe("de");
    const de = langFor("de", withGerman);
    expect(de.t("ask.noAnswer")).toBe(`«${englishMessages["ask.noAnswer"]}»`);
    expect(de.date("2024-02-22")).toBe("22. Februar 2024");
    const [ask] = (await loadCommands()).filter((c) => c.data.name === "ask");
    const json = localizeCommand(ask?.data ?? { name: "x", description: "x" }, withGerman) as unknown as Node;
    expect(json.name_localizations?.de).toBe("de-ask");
    expect(json.options?.[0]?.name_localizations?.de).toBe("de-question");
    expect(commandKey("Ask talks-bot")).toBe("command.ask-talks-bot");
  });
});
