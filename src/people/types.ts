/** Someone quoted in the coverage: a named person, an organisation, or an anonymous source as described. */
export interface Speaker {
  /** Stable slug: the name for people and organisations, the description plus an article tag for anonymous sources. */
  readonly key: string;
  /** Full name as printed ("Majed Al-Ansari"), or the organisation ("US"); null for anonymous sources. */
  readonly name: string | null;
  /** Title or position as printed ("Qatari Foreign Ministry spokesman"); null when the coverage gives none. */
  readonly role: string | null;
  /** How to present the speaker: "Majed Al-Ansari, Qatari Foreign Ministry spokesman", or the description. */
  readonly label: string;
  /** Other ways the coverage refers to the speaker: the surname, the core of a description ("diplomat"). */
  readonly aliases: readonly string[];
}
