/**
 * Closed word lists for reading attributions. They describe English news grammar (how reporters
 * attribute speech), not any one article, so a new article needs no new entries to be read.
 */

function set(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}

/** Verbs that attribute a quote placed before them ("…,” Kirby said) or after them (said a diplomat). */
export const SPEECH_VERBS = set(`
  said says say told tells tell wrote writes write added adds warned warns stated states explained explains
  noted notes argued argues insisted insists stressed stresses asked asks replied replies responded responds
  declared declares acknowledged acknowledges claimed claims cautioned cautions urged urges announced announces
  posted tweeted recalled recalls continued conceded concedes concluded emphasized emphasised maintained
  maintains observed remarked reiterated reiterates suggested suggests vowed vows predicted predicts admitted
  admits countered counters complained complains pointed
`);

/** Verbs that introduce a quote after them, including characterisations ("dismissed … as", "calling for a"). */
export const TRIGGERS = new Set([
  ...SPEECH_VERBS,
  ...set(`
    argue warn insist describe described describes describing call called calls calling dismiss dismissed
    dismisses dismissing term termed terms label labeled labelled labels brand branded brands saying adding
    warning urging insisting demanding demanded demand demands promised promises pledged pledges vowing
    stressing noting arguing declaring writing telling characterized characterised characterizing
  `),
]);

/** "used the word …" only attributes when followed by one of these nouns. */
export const USE_VERBS = set("used uses using use");
export const WORD_NOUNS = set("word words term terms phrase phrases expression language label");

/** Any finite or auxiliary verb: a noun phrase never runs through one. */
export const VERBS = new Set([
  ...TRIGGERS,
  ...USE_VERBS,
  ...set(`
    is was were are be been being am has have had do does did will would could should can may might must shall
    began begins begin started starts start continue continues circulated circulates issued issues released
    releases published proposed proposes introduced drafted sent made makes gave gives took takes went goes came
    comes spoke speaks met meets agreed agrees rejected rejects accepted accepts vetoed vetoes approved approves
    believe believes believed appear appears appeared seemed seems wants wanted sought seeks tried tries
  `),
]);

/** Words skipped between a subject and its verb: "Biden himself recently described", "Kirby has said". */
export const SUBJECT_VERB_FILLERS = set(`
  himself herself themselves itself also again recently later earlier then once now already still even never
  often previously reportedly repeatedly publicly privately separately further has have had was were is are
  would will could had been just
`);

/** "continued to argue", "began to say": the first verb and "to" are skipped. */
export const CATENATIVE_VERBS = set(
  "continued continues continue began begins begin went goes tried tries appeared appears seemed seems wanted wants sought seeks moved",
);

/** Words that end a subject when reading backwards from its verb. */
export const BOUNDARY_WORDS = set(`
  after before while when whereas because since although though that and but or nor as if where which who whom
  whose so than until unless whether instead however meanwhile yet
`);

/** Determiners: a noun phrase starts at one, so reading backwards stops after it. */
export const DETERMINERS = set(
  "the a an this these those its his her their our my your some several many two three four five one another both each every all most",
);

/** Third-person pronouns resolved to the most recent speaker. */
export const PRONOUNS = set("he she they it");

/** Courtesy titles that are not part of a role ("Dr.", "Mr."). */
export const HONORIFICS = set("dr mr mrs ms prof");

/** Head nouns of titles: "Israeli War Minister", "White House spokesman", "the … hostage coordinator". */
export const ROLE_NOUNS = set(`
  president minister secretary spokesman spokeswoman spokesperson director coordinator envoy ambassador adviser
  advisor chief negotiator commander general official mediator premier chancellor king queen emir prince sheikh
  senator congressman congresswoman representative governor mayor leader head chairman chairwoman chair
  correspondent analyst professor expert attorney lawyer aide deputy colonel lieutenant captain admiral
  commissioner founder editor reporter journalist pope cardinal rabbi imam officer speaker diplomat
  ceo administrator
`);

/** Words that begin a post-modifier in an anonymous description ("a diplomat familiar with …"). */
export const POSTMODIFIERS = set(`
  familiar close involved briefed knowledgeable with who that which from of in at on for between including
  according based
`);

/** Prepositions: a subject never starts with one. */
export const PREPOSITIONS = set("in on at over to for from with by of about into during under near across");

/** Time words dropped from the edge of a subject ("Kirby on Tuesday said"). */
export const TIME_WORDS = set(`
  monday tuesday wednesday thursday friday saturday sunday weekend week today yesterday tonight morning
  afternoon evening night january february march april may june july august september october november december
`);

/** Words that are capitalised but are never part of a name. */
export const NOT_NAME_WORDS = new Set([
  ...TIME_WORDS,
  ...set(
    "the a an this that these those he she it they we i in on at but and or as if while when after before",
  ),
]);

/** Lowercase particles inside names ("bin", "al", "de"). */
export const NAME_PARTICLES = set("bin ibn al el de da del della van von der den le la du abu");
