import type { AddReport } from "./add.js";
import type { Found } from "./metadata.js";

function line(label: string, value: string, found?: Found): string {
  return `  ${label.padEnd(10)} ${value}${found ? `  (${found.from})` : ""}`;
}

/** The report `add` prints: what was added, where from, its first and last paragraph, and what to check. */
export function describeAddition(report: AddReport): string {
  const count = report.paragraphs.length;
  const lines = [
    report.written
      ? `Added ${report.id} (${count} paragraphs): ${report.path}`
      : `Dry run: would add ${report.id} (${count} paragraphs) as ${report.path}; nothing was written`,
    line("title", report.title.value, report.title),
    line("source", report.source.value, report.source),
    line("published", report.published.value, report.published),
  ];
  if (report.url) lines.push(line("url", report.url.value, report.url));
  if (report.byline.length > 0) lines.push(line("byline", report.byline.join(", ")));
  lines.push(line("first ¶1", report.paragraphs[0] ?? ""));
  if (count > 1) lines.push(line(`last ¶${count}`, report.paragraphs[count - 1] ?? ""));
  for (const note of report.editorialNotes)
    lines.push(line("note", `${note}  (kept as a note, not a paragraph)`));
  if (report.warnings.length > 0) {
    lines.push("Check before serving it:", ...report.warnings.map((warning) => `  - ${warning}`));
  }
  if (report.written)
    lines.push(
      'Bots running on this corpus folder reload it now: they watch it, and log "corpus reloaded" (talks-bot reload asks them too). Other hosts need the file in their own corpus folder.',
    );
  return `${lines.join("\n")}\n`;
}
