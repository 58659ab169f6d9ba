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
  buttonLabel: 80,
} as const;

export { truncate } from "../text/truncate.js";

/** The characters of a card that count toward Discord's 6,000-character total for a message's embeds. */
export function cardLength(card: {
  readonly title: string;
  readonly description?: string | undefined;
  readonly footer?: string | undefined;
  readonly fields?: readonly { readonly name: string; readonly value: string }[];
}): number {
  return (
    card.title.length +
    (card.description?.length ?? 0) +
    (card.footer?.length ?? 0) +
    (card.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}
