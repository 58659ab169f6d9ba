import type { Article } from "../corpus/types.js";
import { foldText } from "../text/normalize.js";
import { readParagraph } from "../text/prose.js";
import { Cast } from "./cast.js";
import type { Speaker } from "./types.js";

export type { Speaker };

/**
 * The one model of people in the coverage, shared by search and quotes: who an article names, with the
 * title or role it gives them ("CIA Director Bill Burns", "Gal Hirsch, the Israeli government’s hostage
 * coordinator"), read by the rules in `cast.ts` over the word lists in `lexicon.ts`.
 */

/** A person an article introduces with a title or a role. */
export interface Person {
  /** The name without titles, e.g. "Bill Burns". */
  readonly name: string;
  /** Folded surname, as later mentions use it, e.g. "burns", "al-ansari". */
  readonly key: string;
  /** Every way the article introduces them, e.g. "CIA Director Bill Burns". */
  readonly descriptions: readonly string[];
}

/** The people an article introduces with a title or a role. */
export function peopleOf(article: Article): Person[] {
  const cast = new Cast(
    article.id,
    article.paragraphs.map((p) => readParagraph(p.text)),
  );
  return cast.introduced().map((entry) => {
    const parts = entry.name.split(" ");
    return {
      name: entry.name,
      key: foldText(parts[parts.length - 1] ?? entry.name),
      descriptions: [entry.appositive ? `${entry.name}, ${entry.appositive}` : `${entry.role} ${entry.name}`],
    };
  });
}

function mentions(foldedText: string, key: string): boolean {
  let from = 0;
  for (;;) {
    const at = foldedText.indexOf(key, from);
    if (at < 0) return false;
    const before = foldedText.charAt(at - 1);
    const after = foldedText.charAt(at + key.length);
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = at + 1;
  }
}

/** The people from `people` that a text mentions, by surname. */
export function peopleIn(text: string, people: readonly Person[]): Person[] {
  const folded = foldText(text);
  return people.filter((person) => mentions(folded, person.key));
}
