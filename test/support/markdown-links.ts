/**
 * The masked links `[label](url)` a Discord client would render in a piece of markdown, by the link rule of
 * simple-markdown (the parser Discord's markdown is built on): an unescaped `[`, a label, `](`, the URL
 * (optionally in `<…>`, which only stops its preview) and `)`. A backslash before punctuation makes it text.
 * Returns the URLs.
 */
const LINK =
  /^\[((?:\[[^\]]*\]|[^[\]]|\](?=[^[]*\]))*)\]\(\s*<?((?:\([^)]*\)|[^\s\\])*?)>?(?:\s+['"]([\s\S]*?)['"])?\s*\)/;

export function maskedLinks(markdown: string): string[] {
  const urls: string[] = [];
  for (let i = 0; i < markdown.length; i++) {
    const char = markdown[i];
    if (char === "\\" && /^[^0-9A-Za-z\s]$/.test(markdown[i + 1] ?? "")) {
      i++;
      continue;
    }
    if (char !== "[") continue;
    const link = LINK.exec(markdown.slice(i));
    if (link) {
      urls.push(link[2] ?? "");
      i += link[0].length - 1;
    }
  }
  return urls;
}
