/**
 * The question set the search engine is measured on, written the way people type in Discord.
 *
 * Each answerable question names the paragraph(s) of `cnn-2024-02-22-ceasefire-talks` that answer it
 * (several when more than one genuinely does); `expect: null` marks questions the article does not
 * answer, many of which deliberately share words with it.
 */

/** The article every expectation below refers to. */
export const QUESTION_ARTICLE = "cnn-2024-02-22-ceasefire-talks";

/** What a question is testing, for the per-kind breakdown. */
export type QuestionKind =
  | "paraphrase"
  | "synonym"
  | "typo"
  | "number"
  | "who-said"
  | "keyword"
  | "chatty"
  | "direct"
  | "unanswerable";

/** One question and the paragraphs that answer it. */
export interface QuestionCase {
  readonly q: string;
  /** Acceptable paragraph numbers, best first; null when the article does not answer the question. */
  readonly expect: readonly number[] | null;
  readonly kind: QuestionKind;
}

/** Answerable questions: the top passage must be one of `expect`. */
export const ANSWERABLE: readonly QuestionCase[] = [
  { q: "how many people fled to rafah", expect: [2], kind: "number" },
  { q: "whos brokering this", expect: [3], kind: "paraphrase" },
  { q: "rafah invasion", expect: [2, 3, 19, 22], kind: "keyword" },
  { q: "when does ramadan start", expect: [4], kind: "paraphrase" },
  { q: "how many ppl in rafah", expect: [2], kind: "number" },
  { q: "what did kirby say about the un vote", expect: [29], kind: "who-said" },
  { q: "is netanyhu ready for a deal", expect: [6, 5], kind: "typo" },
  { q: "will there be a ceasfire before ramadan", expect: [1], kind: "typo" },
  { q: "how many hostages are left", expect: [8], kind: "number" },
  { q: "1.5 million", expect: [2], kind: "number" },
  { q: "what did gantz say", expect: [22], kind: "who-said" },
  { q: "who called the proposals delusions", expect: [11], kind: "who-said" },
  { q: "rafah", expect: [2, 3, 19], kind: "keyword" },
  { q: "kirby", expect: [29], kind: "keyword" },
  { q: "mcgurk cairo", expect: [9], kind: "keyword" },
  { q: "where is burns going on friday", expect: [10], kind: "direct" },
  { q: "did bibi reject the hamas offer", expect: [11], kind: "synonym" },
  { q: "what is the spy chief doing in paris", expect: [10], kind: "synonym" },
  { q: "how many prisoners does hamas want freed", expect: [12], kind: "number" },
  { q: "how long would the truce last", expect: [12, 8], kind: "synonym" },
  { q: "what are the sticking points", expect: [12], kind: "direct" },
  { q: "did the us veto the un resolution", expect: [26], kind: "synonym" },
  { q: "why did america block the security council ceasefire vote", expect: [28, 29, 26], kind: "synonym" },
  { q: "what did biden say about israels bombing", expect: [25], kind: "who-said" },
  { q: "how many were killed in the rafah airstrike", expect: [19], kind: "number" },
  { q: "who is gal hirsch", expect: [15], kind: "direct" },
  { q: "what did qatar say about the medicine", expect: [16, 17], kind: "who-said" },
  { q: "did the meds reach the hostages", expect: [16, 14], kind: "synonym" },
  { q: "what new condition did israel add", expect: [14], kind: "direct" },
  { q: "did israel send a technical team", expect: [13], kind: "direct" },
  { q: "what happened in the first hostage deal in november", expect: [23, 1], kind: "direct" },
  { q: "when were the hostages taken", expect: [23], kind: "paraphrase" },
  { q: "is a deal close", expect: [18], kind: "paraphrase" },
  { q: "what does the us think about a permanent ceasefire", expect: [24], kind: "direct" },
  { q: "what did the white house say about algeria's resolution", expect: [28], kind: "who-said" },
  { q: "what did the us draft resolution say", expect: [20, 27], kind: "direct" },
  { q: "when did the us first use the word ceasefire at the un", expect: [27], kind: "direct" },
  { q: "how long has the war been going on", expect: [7], kind: "paraphrase" },
  { q: "what happens if israel attacks rafah", expect: [3, 19], kind: "paraphrase" },
  { q: "what did the diplomat say about netanyahu", expect: [6], kind: "who-said" },
  { q: "how long is the initial pause", expect: [8], kind: "direct" },
  { q: "who went to doha", expect: [9], kind: "direct" },
  { q: "where did the cia director visit last week", expect: [9], kind: "direct" },
  { q: "what is netanyahus goal", expect: [5, 25], kind: "direct" },
  { q: "did hamas leaders go to egypt", expect: [11], kind: "synonym" },
  { q: "what was said at the munich security conference", expect: [15], kind: "direct" },
  { q: "will hamas respond", expect: [18], kind: "direct" },
  { q: "why are the next two weeks important", expect: [4], kind: "paraphrase" },
  { q: "what do aid groups warn about rafah", expect: [19], kind: "direct" },
  { q: "who is the qatari foreign ministry spokesman", expect: [16], kind: "direct" },
  { q: "what did the israeli delegation discuss in cairo", expect: [13], kind: "direct" },
  { q: "idf withdrawal from gaza", expect: [12], kind: "synonym" },
  { q: "what would trigger the release of the hostages", expect: [8], kind: "direct" },
  { q: "is biden under pressure", expect: [23], kind: "direct" },
  { q: "what is the only path to a ceasefire", expect: [1, 24], kind: "direct" },
  {
    q: "hey so like whats the deal with the hostages medicine thing, did it actually get to them??",
    expect: [14, 16],
    kind: "chatty",
  },
  { q: "what did the white house spokesman say", expect: [29], kind: "who-said" },
  { q: "kirby un vote", expect: [29, 28], kind: "keyword" },
  { q: "who did qatars prime minister meet in cairo", expect: [13], kind: "direct" },
  { q: "does the us still support israel", expect: [25], kind: "paraphrase" },
  { q: "where are palestinians seeking shelter", expect: [19, 2], kind: "direct" },
  { q: "netanyahu victory", expect: [25], kind: "keyword" },
  { q: "pm says hamas proposals are delusional", expect: [11], kind: "synonym" },
  { q: "what is the war minister warning", expect: [22], kind: "who-said" },
  { q: "what did the israeli hostage coordinator say", expect: [15], kind: "who-said" },
  { q: "who are the mediators", expect: [3], kind: "synonym" },
  { q: "what happened to the unsc vote on tuesday", expect: [26], kind: "synonym" },
  { q: "how many displaced gazans are in rafah", expect: [2], kind: "number" },
  { q: "whats the holdup in the talks", expect: [12, 18, 7], kind: "paraphrase" },
  { q: "when does mcgurk go to israel", expect: [9], kind: "direct" },
  { q: "is netanyahu willing to pause the fighting", expect: [5, 6], kind: "direct" },
  {
    q: "ok so i keep hearing about a six week pause, what is that about and who is pushing for it",
    expect: [8],
    kind: "chatty",
  },
  { q: "how many hostages were taken on oct 7", expect: [23], kind: "number" },
  { q: "how long would the multi stage ceasefire last", expect: [12], kind: "number" },
  { q: "what did biden call israels military campaign", expect: [25], kind: "who-said" },
  { q: "negotations in paris", expect: [10], kind: "typo" },
  { q: "hostges medicine proof", expect: [14], kind: "typo" },
];

/** Questions the article does not answer: the engine must refuse them. */
export const UNANSWERABLE: readonly QuestionCase[] = [
  { q: "who won the super bowl", expect: null, kind: "unanswerable" },
  { q: "what is the death toll in ukraine", expect: null, kind: "unanswerable" },
  { q: "how many hostages were released in the january deal", expect: null, kind: "unanswerable" },
  { q: "what did putin say", expect: null, kind: "unanswerable" },
  { q: "is there a ceasefire in lebanon", expect: null, kind: "unanswerable" },
  { q: "weather in paris on friday", expect: null, kind: "unanswerable" },
  { q: "what did the pope say", expect: null, kind: "unanswerable" },
  { q: "when did the war in ukraine start", expect: null, kind: "unanswerable" },
  { q: "what did trump say about the hostages", expect: null, kind: "unanswerable" },
  { q: "what is the population of tel aviv", expect: null, kind: "unanswerable" },
  { q: "how many israeli soldiers have died", expect: null, kind: "unanswerable" },
  { q: "what is the price of bitcoin", expect: null, kind: "unanswerable" },
  { q: "is egypt opening the rafah crossing", expect: null, kind: "unanswerable" },
  { q: "what did blinken say in tel aviv", expect: null, kind: "unanswerable" },
  { q: "how many rockets did hezbollah fire", expect: null, kind: "unanswerable" },
  { q: "who is the president of egypt", expect: null, kind: "unanswerable" },
  { q: "israel hamas war", expect: null, kind: "unanswerable" },
  { q: "gaza", expect: null, kind: "unanswerable" },
  { q: "what does iran think about the talks", expect: null, kind: "unanswerable" },
  { q: "how much aid has the uk sent", expect: null, kind: "unanswerable" },
  { q: "what did the houthis do in the red sea", expect: null, kind: "unanswerable" },
];

/**
 * A second set, written after the engine had been tuned on the two lists above, to see how far that
 * tuning generalises. First measured at 17/23 top-1 (4 refused) and 9/10 refused. The general
 * vocabulary gaps it exposed (demonyms such as "algerian", travel verbs such as "heading", framing
 * words such as "position") were then filled in aliases.yaml and the light-word list, so it is only
 * partly held out now; do not tune on individual questions here. The tests print its figures but
 * assert no threshold on it.
 */
export const HELD_OUT_ANSWERABLE: readonly QuestionCase[] = [
  { q: "what did the diplomat say would kill the deal", expect: [3], kind: "who-said" },
  { q: "when is burns heading to paris", expect: [10], kind: "direct" },
  { q: "where was mcgurk on wednesday", expect: [9], kind: "direct" },
  { q: "what did the un draft say about a ground offensive", expect: [20], kind: "direct" },
  { q: "how many people died in the israeli strike on rafah", expect: [19], kind: "number" },
  { q: "who is benny gantz", expect: [22], kind: "direct" },
  { q: "what did netanyahu say about hamas proposals", expect: [11], kind: "who-said" },
  { q: "what is hamas demanding", expect: [12], kind: "direct" },
  { q: "why did the us veto the algerian resolution", expect: [28], kind: "direct" },
  { q: "what did al-ansari say", expect: [16, 17], kind: "who-said" },
  { q: "did hamas get the medicine", expect: [16], kind: "direct" },
  { q: "how many hostages are still in gaza", expect: [8], kind: "number" },
  { q: "who did burns meet in paris", expect: [10], kind: "direct" },
  { q: "when did the first ceasefire end", expect: [23, 1], kind: "direct" },
  { q: "what is the six week pause", expect: [8], kind: "number" },
  { q: "biden excessive", expect: [25], kind: "keyword" },
  { q: "algeria un resolution", expect: [28], kind: "keyword" },
  { q: "what did the israeli government hostage coordinator tell cnn", expect: [15], kind: "who-said" },
  { q: "has israel already bombed rafah", expect: [19], kind: "direct" },
  { q: "is netanyahu serious about negotiating", expect: [13, 6], kind: "paraphrase" },
  { q: "what's the humanitarian aid part of the talks", expect: [13], kind: "direct" },
  { q: "whats the us position on a permanent ceasefire", expect: [24], kind: "direct" },
  { q: "how many palestinian prisoners would be freed", expect: [12], kind: "number" },
];

/** Held-out questions the article does not answer. */
export const HELD_OUT_UNANSWERABLE: readonly QuestionCase[] = [
  { q: "what did macron say about the talks", expect: null, kind: "unanswerable" },
  { q: "how many hostages are american citizens", expect: null, kind: "unanswerable" },
  { q: "when will the rafah crossing reopen", expect: null, kind: "unanswerable" },
  { q: "what is the capital of qatar", expect: null, kind: "unanswerable" },
  { q: "did the hostages get released on friday", expect: null, kind: "unanswerable" },
  { q: "what is netanyahus approval rating", expect: null, kind: "unanswerable" },
  { q: "how much does the iron dome cost", expect: null, kind: "unanswerable" },
  { q: "who is the leader of hamas in gaza", expect: null, kind: "unanswerable" },
  { q: "what happened at the cairo summit in october", expect: null, kind: "unanswerable" },
  { q: "how many aid trucks entered gaza yesterday", expect: null, kind: "unanswerable" },
];
