import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CORPUS_DIR } from "../../src/paths.js";

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
