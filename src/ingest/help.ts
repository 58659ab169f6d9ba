/** `talks-bot add --help`. Kept apart from the add command's code, so printing it loads no parser. */
export const ADD_HELP = `Usage: talks-bot add <file.html | file.md | file.txt | https://…> [options]

Adds one news report to the corpus, as articles/<published>-<source>-<slug>.md, and prints what it added:
the id, the paragraph count, the first and last paragraph, and anything that looks wrong.

  A web page (.html, or an address): the article is taken with Readability; navigation, cookie banners,
  related stories, captions, bylines and footers are left out. Title, outlet and date come from the page's
  JSON-LD NewsArticle, then its Open Graph tags, then <title>.
  Markdown (.md): paragraphs separated by blank lines; front matter may give title, source, published, url.
  Plain text (.txt): paragraphs separated by blank lines; pass --title, --source and --published.

Options:
  --title TEXT          The headline, instead of the page's
  --source NAME         The outlet, instead of the page's
  --published DATE      The publication date, YYYY-MM-DD (needed when the page gives none; never guessed)
  --corpus DIR          The corpus folder (default: CORPUS_DIR, else the shipped corpus/)
  --dry-run             Print the report without writing anything
  --timeout SECONDS     How long to wait for a page (default 20)

It refuses, leaving the corpus unchanged: a page with no article, a PDF or an image, a page over 5 MB, a
redirect loop or a time-out, a file that is not UTF-8, an article dated in the future, a report already in
the corpus (same address, or nearly the same paragraphs), and a corpus folder that cannot be written.
`;
