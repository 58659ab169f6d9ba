/** Markdown output of the benchmarks: tables, goals with pass/miss, and sections. */

export type Cell = string | number;

/** One part of the report: a heading, then tables and notes in Markdown. */
export interface Section {
  readonly title: string;
  readonly body: string;
}

/** A Markdown table; `align` marks right-aligned (numeric) columns with "r". */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  align: readonly ("l" | "r")[] = [],
): string {
  const cellText = (cell: Cell) => String(cell).replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rule = headers.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [
    `| ${headers.map(cellText).join(" | ")} |`,
    `| ${rule.join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cellText).join(" | ")} |`),
  ].join("\n");
}

/** `pass`, or a bold `miss` so it stands out in the table. */
export function verdict(pass: boolean): string {
  return pass ? "pass" : "**miss**";
}

/** `a / b` as `1.23×`; a dash when it cannot be computed. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–";
}

/** Milliseconds for a table: two decimals below 100 ms, whole numbers above. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value < 100 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`;
}

/** Megabytes from kilobytes, one decimal. */
export function mb(kilobytes: number): string {
  return Number.isFinite(kilobytes) ? `${(kilobytes / 1024).toFixed(1)} MB` : "–";
}

/** A section as Markdown. */
export function renderSection(section: Section): string {
  return `## ${section.title}\n\n${section.body.trim()}\n`;
}
