import { words } from "../text/prose.js";
import { HONORIFICS, ROLE_NOUNS } from "./lexicon.js";
import type { Speaker } from "./types.js";

/**
 * Who is who across reports. Each article names people its own way: one prints "Dr. Qatari Foreign Ministry
 * spokesman Majed Al-Ansari", another "Majed al-Ansari", a third only "Al-Ansari". Within an article the cast
 * (`cast.ts`) ties a surname to the full name it introduced; across articles these rules do, by the name alone:
 *
 * - Two full names are one person when their surnames match and their first names match (or one is the
 *   other's initial): "Mohammed bin Abdulrahman Al Thani" and "Mohammed Al Thani", "J. Kirby" and "John Kirby".
 *   Titles and courtesy titles are not part of a name ("Dr.", "Sheikh", "President"); case, accents and hyphens
 *   do not count ("Al-Ansari", "al Ansari").
 * - A surname alone ("Al-Ansari", "Ansari") is the one person whose name ends with it, when exactly one does.
 * - Organisations ("the US") and anonymous sources ("a diplomat familiar with …") are never merged.
 *
 * Nothing is listed by hand, so a new report needs no new entries.
 */

interface NameParts {
  /** The name's words, lowercase and accent-free, titles dropped: ["majed", "al", "ansari"]. */
  readonly tokens: readonly string[];
  /** Printed as one word ("Al-Ansari", "Kirby"): a surname on its own. */
  readonly surnameOnly: boolean;
}

/** The words of a person's name, or null for an organisation or an anonymous source. */
function nameParts(speaker: Speaker): NameParts | null {
  if (speaker.name === null) return null;
  // An organisation is labelled as the coverage writes it ("the US"); a person by name, or name and role.
  if (speaker.role === null && speaker.label !== speaker.name) return null;
  const printed = speaker.name.split(/\s+/).filter((w) => !/^\W*$/.test(w));
  let skip = 0;
  while (skip < printed.length - 1 && isTitle(printed[skip] ?? "")) skip++;
  const kept = printed.slice(skip);
  const tokens = kept.flatMap((w) => words(w));
  if (tokens.length === 0) return null;
  return { tokens, surnameOnly: kept.length === 1 };
}

function isTitle(word: string): boolean {
  const [low] = words(word);
  return low !== undefined && (HONORIFICS.has(low) || ROLE_NOUNS.has(low));
}

function sameFirstName(a: string, b: string): boolean {
  if (a === b) return true;
  // An initial ("J. Kirby") stands for any first name it begins.
  return (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));
}

/** Whether `name` ends with the words of `surname`: "majed al ansari" ends with "al ansari" and "ansari". */
function endsWith(name: readonly string[], surname: readonly string[]): boolean {
  if (surname.length >= name.length) return false;
  const offset = name.length - surname.length;
  return surname.every((w, i) => name[offset + i] === w);
}

class Groups {
  readonly #parent = new Map<string, string>();
  find(key: string): string {
    let root = key;
    for (let up = this.#parent.get(root); up !== undefined && up !== root; up = this.#parent.get(root))
      root = up;
    this.#parent.set(key, root);
    return root;
  }
  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(rb, ra);
  }
}

/**
 * One speaker per person. `occurrences` lists every article's version of each speaker, newest article first
 * (the same key in two articles is the same name). Returns, for every key, the speaker it stands for: the
 * newest description that gives a role (else the newest), known by every name and alias the coverage used.
 */
export function identifySpeakers(occurrences: readonly Speaker[]): Map<string, Speaker> {
  // One entry per key, in order of first appearance; its role and label from the newest article that gives one.
  const byKey = new Map<string, Speaker[]>();
  for (const speaker of occurrences) byKey.set(speaker.key, [...(byKey.get(speaker.key) ?? []), speaker]);
  const keyed = new Map<string, Speaker>();
  for (const [key, versions] of byKey) {
    const described = versions.find((v) => v.role !== null) ?? versions[0];
    if (!described) continue;
    const aliases = [...new Set(versions.flatMap((v) => v.aliases))];
    keyed.set(key, { ...described, aliases });
  }

  const groups = new Groups();
  const parts = new Map<string, NameParts>();
  for (const [key, speaker] of keyed) {
    const found = nameParts(speaker);
    if (found) parts.set(key, found);
  }
  // Full names: by surname first, so only names that could match are compared.
  const bySurname = new Map<string, string[]>();
  for (const [key, name] of parts) {
    if (name.surnameOnly || name.tokens.length < 2) continue;
    const surname = name.tokens[name.tokens.length - 1] ?? "";
    bySurname.set(surname, [...(bySurname.get(surname) ?? []), key]);
  }
  for (const keys of bySurname.values()) {
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        const a = parts.get(keys[i] ?? "")?.tokens[0];
        const b = parts.get(keys[j] ?? "")?.tokens[0];
        if (a !== undefined && b !== undefined && sameFirstName(a, b))
          groups.join(keys[i] ?? "", keys[j] ?? "");
      }
    }
  }
  // A surname alone joins the one person (after the joins above) whose full name ends with it.
  for (const [key, name] of parts) {
    if (!name.surnameOnly) continue;
    const surname = name.tokens[name.tokens.length - 1] ?? "";
    const people = new Set(
      (bySurname.get(surname) ?? [])
        .filter((full) => endsWith(parts.get(full)?.tokens ?? [], name.tokens))
        .map((full) => groups.find(full)),
    );
    const [person] = people;
    if (people.size === 1 && person !== undefined) groups.join(person, key);
  }

  const members = new Map<string, Speaker[]>();
  for (const [key, speaker] of keyed) {
    const root = groups.find(key);
    members.set(root, [...(members.get(root) ?? []), speaker]);
  }
  const result = new Map<string, Speaker>();
  for (const group of members.values()) {
    const chosen =
      group.find((s) => s.role !== null && !(parts.get(s.key)?.surnameOnly ?? false)) ??
      group.find((s) => !(parts.get(s.key)?.surnameOnly ?? true)) ??
      group[0];
    if (!chosen) continue;
    const names = group.flatMap((s) => [s.name, ...s.aliases]).filter((n): n is string => n !== null);
    // A role only a surname's mention gave ("spokesman Al-Ansari") still describes the person.
    const role = chosen.role ?? group.find((s) => s.role !== null)?.role ?? null;
    const speaker: Speaker = {
      ...chosen,
      role,
      label: chosen.role === null && role !== null ? `${chosen.name}, ${role}` : chosen.label,
      aliases: [...new Set(names)].filter((n) => n !== chosen.name),
    };
    for (const member of group) result.set(member.key, speaker);
  }
  return result;
}
