/**
 * `npm run screenshots`: how Arabic and Hebrew replies read, rendered in a real browser.
 *
 * Each reply is built by the same code the bot runs and rendered by the Discord renderer into the JSON that
 * goes on the wire. That JSON is laid out as an HTML page styled after Discord's dark theme and embeds (the
 * Noto fonts stand in for Discord's own), every line in its own block with `dir="auto"`, so a line's
 * direction comes from its first strong character as in a browser; Discord's `<t:…>` timestamps are shown
 * the way Discord shows them, in the reader's language. Headless Chromium (the system's `chromium`, driven by
 * puppeteer-core) takes one picture per reply into `bench/screenshots/`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { localParts } from "../src/calendar/time.js";
import { loadConfig } from "../src/config.js";
import { discordMarkup } from "../src/discord/markup.js";
import { type DiscordMessage, toDiscordMessage } from "../src/discord/render.js";
import { DISCORD_CAPABILITIES } from "../src/discord/router.js";
import { UserFacingError } from "../src/errors.js";
import { type Lang, langFor } from "../src/i18n/index.js";
import { createLogger } from "../src/logger.js";
import { reminderPost } from "../src/reminders/post.js";
import { type BotContext, createInvocation, type Invocation } from "../src/runtime/command.js";
import { createContext } from "../src/runtime/context.js";
import { notice, type Reply } from "../src/views/card.js";

const OUT = join(import.meta.dirname, "screenshots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

let asker = 0;

function invocation(lang: Lang, options: Record<string, string>): Invocation {
  asker += 1; // each reply from another member, so /ask's per-member cooldown never applies
  return createInvocation({
    can: DISCORD_CAPABILITIES,
    markup: discordMarkup,
    lang,
    userId: String(175928847299117063n + BigInt(asker)),
    options: new Map(Object.entries(options)),
  });
}

async function command(
  ctx: BotContext,
  name: string,
  lang: Lang,
  options: Record<string, string>,
): Promise<Reply> {
  const found = ctx.commands.find((c) => c.data.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found.run(invocation(lang, options), ctx);
}

/** The replies pictured, per language. */
async function replies(ctx: BotContext, lang: Lang): Promise<[string, Reply, number][]> {
  const at = (iso: string) => () => new Date(iso);
  const before = { ...ctx, now: at("2027-01-10T09:00:00Z") };
  const during = { ...ctx, now: at("2027-02-20T06:00:00Z") };
  const zone = "Asia/Gaza";
  const post = reminderPost({
    corpus: ctx.corpus,
    config: ctx.config,
    now: during.now(),
    localDate: localParts(during.now(), zone).date,
    timeZone: zone,
    settings: { roleId: null },
    markup: discordMarkup,
    lang,
  });
  const error = new UserFacingError("zone.error.unknown", { value: "Mars/Olympus" });
  const [early, late, today] = [before.now(), during.now(), new Date()].map((d) => d.getTime()) as [
    number,
    number,
    number,
  ];
  return [
    ["countdown", await command(before, "countdown", lang, { timezone: zone }), early],
    ["countdown-ramadan", await command(during, "countdown", lang, { timezone: zone }), late],
    [
      "ask-confident",
      await command(ctx, "ask", lang, { question: "why did the US veto the resolution?" }),
      today,
    ],
    ["ask-tentative", await command(ctx, "ask", lang, { question: "who is brokering the talks?" }), today],
    ["ask-refusal", await command(ctx, "ask", lang, { question: "who won the super bowl?" }), today],
    ["ask-in-arabic", await command(ctx, "ask", lang, { question: "من يتوسط في المفاوضات؟" }), today],
    ["reminder-post", post, late],
    ["error", notice(error.textIn(lang), { title: lang.t("error.title"), dir: lang.dir }), today],
  ];
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

/** Discord's markdown, as much of it as the bot writes, for one line. */
function inline(line: string, lang: Lang, now: number): string {
  const relative = new Intl.RelativeTimeFormat(lang.locale, { numeric: "auto" });
  const full = new Intl.DateTimeFormat(lang.locale, {
    dateStyle: "full",
    timeStyle: "short",
    timeZone: "Asia/Gaza",
  });
  const date = new Intl.DateTimeFormat(lang.locale, { dateStyle: "long", timeZone: "Asia/Gaza" });
  let html = escapeHtml(line);
  html = html.replace(/&lt;t:(\d+):([FRD])&gt;/g, (_m, seconds: string, style: string) => {
    const when = new Date(Number(seconds) * 1000);
    if (style === "R") {
      const days = Math.round((when.getTime() - now) / 86_400_000);
      return `<span class="ts">${relative.format(days, "day")}</span>`;
    }
    return `<span class="ts">${(style === "F" ? full : date).format(when)}</span>`;
  });
  html = html.replace(/&lt;#(\d+)&gt;/g, '<span class="mention">#countdown</span>');
  html = html.replace(/&lt;@&amp;(\d+)&gt;/g, '<span class="mention">@role</span>');
  html = html.replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '<a href="$2">$1</a>');
  html = html.replace(/&lt;(https?:[^&]+)&gt;/g, '<a href="$1">$1</a>');
  html = html.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
  html = html.replace(/(^|[^\\*])\*([^*]+?)\*/g, "$1<em>$2</em>");
  return html.replace(/\\([\\*_`~|>#[\]()-])/g, "$1");
}

/** Each line is a block of its own, laid out by its own first strong character. */
function blocks(text: string | undefined, lang: Lang, className: string, now: number): string {
  if (!text) return "";
  const lines = text.split("\n").map((line) => {
    const quote = /^> ?(.*)$/.exec(line);
    return quote
      ? `<div dir="auto" class="quote">${inline(quote[1] ?? "", lang, now)}</div>`
      : `<div dir="auto">${inline(line, lang, now) || "&nbsp;"}</div>`;
  });
  return `<div class="${className}">${lines.join("")}</div>`;
}

function page(message: DiscordMessage, lang: Lang, name: string, now: number): string {
  const embeds = message.embeds
    .map((embed) => {
      const colour = `#${(embed.color ?? 0x4a5568).toString(16).padStart(6, "0")}`;
      const fields = (embed.fields ?? [])
        .map(
          (f) =>
            `<div class="field">${blocks(f.name, lang, "field-name", now)}${blocks(f.value, lang, "field-value", now)}</div>`,
        )
        .join("");
      return `<div class="embed" style="border-inline-start-color:${colour}">
        ${blocks(embed.title, lang, "title", now)}${blocks(embed.description, lang, "description", now)}${fields}
        ${blocks(embed.footer?.text, lang, "footer", now)}</div>`;
    })
    .join("");
  const buttons = message.components
    .flatMap((row) => row.components)
    .map((b) => `<span class="button">${b.emoji?.name ?? ""} ${escapeHtml(b.label ?? "")}</span>`)
    .join("");
  return `<!doctype html><html lang="${lang.locale}"><head><meta charset="utf-8"><title>${name}</title><style>
    body { margin: 0; background: #313338; font: 16px/1.375 "Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", sans-serif; color: #dbdee1; }
    .message { display: inline-block; padding: 16px 20px; max-width: 560px; }
    .author { font-weight: 600; color: #f2f3f5; margin-bottom: 4px; }
    .author small { background: #5865f2; color: white; border-radius: 3px; padding: 0 4px; font-size: 10px; margin-inline-start: 4px; }
    .content { margin-bottom: 4px; }
    .embed { background: #2b2d31; border-inline-start: 4px solid; border-radius: 4px; padding: 8px 16px 16px 12px; margin-top: 8px; max-width: 520px; }
    .title { font-weight: 600; color: #f2f3f5; margin-top: 8px; }
    .description, .field-value { font-size: 14px; margin-top: 8px; }
    .field-name { font-size: 14px; font-weight: 600; color: #f2f3f5; margin-top: 8px; }
    .footer { font-size: 12px; color: #b5bac1; margin-top: 8px; }
    .quote { border-inline-start: 4px solid #4e5058; padding-inline-start: 12px; }
    .ts { background: #3f4147; border-radius: 3px; padding: 0 2px; }
    .mention { background: #3c4270; color: #c9cdfb; border-radius: 3px; padding: 0 2px; }
    a { color: #00a8fc; text-decoration: none; }
    .buttons { margin-top: 8px; display: flex; gap: 8px; flex-wrap: wrap; }
    .button { background: #4e5058; color: white; border-radius: 3px; padding: 2px 16px; font-size: 14px; line-height: 32px; }
  </style></head><body><div class="message">
    <div class="author">talks-bot <small>APP</small></div>
    ${blocks(message.content, lang, "content", now)}${embeds}<div class="buttons">${buttons}</div>
  </div></body></html>`;
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, DISCORD_TOKEN: "", LOG_LEVEL: "error" });
  const ctx = await createContext({ config, logger: createLogger({ level: "error" }) });
  mkdirSync(OUT, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"],
  });
  const index: string[] = [
    "# Arabic and Hebrew replies, rendered",
    "",
    "Made by `npm run screenshots` (see `bench/screenshots.ts`): each reply as the bot sends it, laid out in",
    "headless Chromium with Discord-like styles, each line's direction taken from its first strong character.",
    "",
  ];
  let problems = 0;
  try {
    const page_ = await browser.newPage();
    await page_.setViewport({ width: 640, height: 400, deviceScaleFactor: 1 });
    for (const locale of ["ar", "he"]) {
      const lang = langFor(locale);
      index.push(`## ${lang.locale}`, "");
      for (const [name, reply, now] of await replies(ctx, lang)) {
        const file = `${locale}-${name}.png`;
        const html = page(toDiscordMessage(reply), lang, name, now);
        if (process.env.SCREENSHOT_HTML)
          writeFileSync(join(process.env.SCREENSHOT_HTML, `${locale}-${name}.html`), html);
        await page_.setContent(html, { waitUntil: "load" });
        const element = await page_.$(".message");
        await element?.screenshot({ path: join(OUT, file) as `${string}.png` });
        const audit = (await page_.evaluate(AUDIT)) as Audit;
        problems += audit.problems.length;
        index.push(
          `### ${name}`,
          "",
          `![${locale} ${name}](${file})`,
          "",
          `${audit.rtlLines} right-to-left lines laid out right to left, ${audit.ltrLines} English lines left to right, ${audit.commands} slash commands in order${audit.problems.length > 0 ? `; problems: ${audit.problems.join("; ")}` : "."}`,
          "",
        );
        process.stdout.write(
          `bench/screenshots/${file}: ${audit.problems.length === 0 ? "ok" : audit.problems.join("; ")}\n`,
        );
      }
    }
  } finally {
    await browser.close();
  }
  writeFileSync(join(OUT, "README.md"), `${index.join("\n")}\n`);
  process.stdout.write(`${problems} layout problem(s)\n`);
  if (problems > 0) process.exitCode = 1;
}

interface Audit {
  readonly rtlLines: number;
  readonly ltrLines: number;
  readonly commands: number;
  readonly problems: string[];
}

/**
 * Checked in the browser, on the laid-out page: every line with an Arabic or Hebrew letter runs right to
 * left, every line without one left to right, and every slash command reads "/help", not "help/". (Plain
 * JavaScript, sent to the page as it is.)
 */
const AUDIT = `(() => {
  const problems = [];
  let rtlLines = 0, ltrLines = 0, commands = 0;
  for (const block of document.querySelectorAll("div[dir=auto]")) {
    const text = block.textContent || "";
    if (!/\\p{L}/u.test(text)) continue;
    const rtl = /[\\p{Script=Arabic}\\p{Script=Hebrew}]/u.test(text);
    const direction = getComputedStyle(block).direction;
    if (rtl && direction === "rtl") rtlLines++;
    else if (!rtl && direction === "ltr") ltrLines++;
    else problems.push(JSON.stringify(text.slice(0, 40)) + " runs " + direction);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent || "";
    for (const match of text.matchAll(/(?<![\\p{L}\\p{N}/])\\/[a-z]/gu)) {
      const at = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1); return r.getBoundingClientRect().x; };
      commands++;
      if (at(match.index) > at(match.index + 1)) problems.push(JSON.stringify(text.slice(match.index, match.index + 12)) + " shows reversed");
    }
  }
  return { rtlLines, ltrLines, commands, problems };
})()`;

await main();
