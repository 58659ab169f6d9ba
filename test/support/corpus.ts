import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from "../../src/paths.js";

/** A writable copy of the shipped corpus in a temp folder, for tests that add or break files. */
export function copyCorpus(): { dir: string; write(relative: string, text: string): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-corpus-"));
  cpSync(DEFAULT_CORPUS_DIR, dir, { recursive: true });
  return {
    dir,
    write: (relative, text) => writeFileSync(join(dir, relative), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A small second article in the corpus format, dated after the seed article. */
export const SECOND_ARTICLE = `---
id: example-2024-03-01-talks-resume
title: Negotiators meet again in Doha
source: Example Wire
published: 2024-03-01
url: https://example.org/talks-resume
---
Negotiators from Qatar and Egypt met again in Doha on Friday to discuss the hostage framework.
“We are close,” said Jane Doe, a spokeswoman for the foreign ministry.
The talks on the lighthouse proposal are expected to continue over the weekend.
`;

/** The fictional Port Ellery reports (four dates, 2 April to 4 June 2025), as `talks-bot add` would file them. */
export const PORT_ELLERY_ARTICLES = join(PROJECT_ROOT, "test", "fixtures", "port-ellery", "articles");

/**
 * Later reports that name the CNN article's Qatari spokesman in other ways ("Dr. Majed al Ansari", "Al-Ansari"):
 * one person to /quote.
 */
export const ANSARI_REPORTS: Readonly<Record<string, string>> = {
  "articles/2024-03-05-example-wire-doha.md": `---
id: 2024-03-05-example-wire-doha
title: Mediators return to Doha as the talks resume
source: Example Wire
published: 2024-03-05
url: https://example.org/news/doha_(talks)?part=1
---
Mediators returned to Doha on Tuesday for another round of talks on a pause in the fighting.
“The talks continue, and we are hopeful,” Dr. Majed al Ansari said in Doha.
`,
  "articles/2024-03-09-example-wire-gaps.md": `---
id: 2024-03-09-example-wire-gaps
title: Gaps remain over the release of hostages
source: Example Wire
published: 2024-03-09
---
Negotiators said gaps remained over the sequence of releases in the first phase.
“Nothing is agreed until everything is agreed,” Al-Ansari said.
`,
};

/**
 * A made-up report in the corpus format: `n` picks its words and its date, from 25 February 2024 on, four
 * reports every three days (500 of them end on 6 March 2025).
 */
export function syntheticReport(n: number): { file: string; text: string } {
  const day = new Date(Date.parse("2024-02-25T00:00:00Z") + Math.floor((n * 3) / 4) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const id = `${day}-synthetic-${n}`;
  // Every seventh report has a link, with characters a masked link must not break on; every fifth a title
  // with markdown in it.
  const url = n % 7 === 0 ? `\nurl: https://example.org/reports/${n}_(update)?a=[1]&b=2` : "";
  const title =
    n % 5 === 0 ? `Committee *meets* again [${n}] over the harbour plan` : `Committee report ${n}`;
  return {
    file: `articles/${id}.md`,
    text: `---
id: ${id}
title: "${title}"
source: Synthetic Wire ${n % 3}
published: ${day}${url}
---
Report ${n}: the harbour committee met for session ${n} and adjourned without a decision on the plan.
The committee will meet again next week, its secretary said in a short statement.
Members of the public attended the session, which lasted ${(n % 4) + 1} hours.
`,
  };
}

/**
 * A corpus of many reports in a temp folder: the shipped one (its CNN article and its status card of 22
 * February 2024), the four Port Ellery reports, the Al-Ansari reports, and `synthetic` made-up reports dated
 * after the card and before the Port Ellery reports.
 */
export function reportsCorpus(synthetic = 0): ReturnType<typeof copyCorpus> {
  const corpus = copyCorpus();
  cpSync(PORT_ELLERY_ARTICLES, join(corpus.dir, "articles"), { recursive: true });
  for (const [file, text] of Object.entries(ANSARI_REPORTS)) corpus.write(file, text);
  for (let n = 0; n < synthetic; n++) {
    const report = syntheticReport(n);
    corpus.write(report.file, report.text);
  }
  return corpus;
}
