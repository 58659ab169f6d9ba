/** Discord's message and embed limits (see RELIABILITY.md §1); the console keeps to them too. */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  choiceName: 100,
  choiceValue: 100,
  choices: 25,
  customId: 100,
} as const;

/** Shortens text to at most `max` characters, at a word boundary when one is near, ending in "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, max);
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  const base = space > max * 0.6 ? cut.slice(0, space) : cut;
  // A trailing backslash would escape the ellipsis and break Discord markdown.
  return `${base.replace(/\\+$/, "").trimEnd()}…`;
}
