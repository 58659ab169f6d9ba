import { describe, expect, it } from "vitest";
import { parseArticle } from "../src/corpus/load.js";
import { articleId, renderArticle, slugify } from "../src/ingest/article.js";
import {
  boilerplateLine,
  LINE_RULES,
  namesBoilerplate,
  removePageChrome,
} from "../src/ingest/boilerplate.js";
import { parseDocument, textOf } from "../src/ingest/dom.js";
import { cleanUrl, duplicateOf, overlap, shingles, urlKey } from "../src/ingest/duplicates.js";
import { readMetadata } from "../src/ingest/metadata.js";
import { paragraphsOf } from "../src/ingest/paragraphs.js";
import { extractMarkdown, extractText } from "../src/ingest/text.js";

// The pure parts of `talks-bot add`: the post-filter, the page-chrome names, paragraph splitting, metadata
// order, duplicate detection and the file it writes. test/add.test.ts runs the command itself.

function page(body: string, head = ""): string {
  return `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
}

function paragraphs(html: string): string[] {
  const body = parseDocument(page(html)).body;
  if (!body) throw new Error("no body");
  return paragraphsOf(body).paragraphs;
}

describe("the post-filter (page furniture inside the article's paragraphs)", () => {
  it("drops each rule's own example", () => {
    for (const rule of LINE_RULES) expect(boilerplateLine(rule.example)?.name, rule.example).toBe(rule.name);
  });

  it.each([
    "By Amara Okoye",
    "By Dara Quinlan and Lukas Brenner, Lakeside Courier",
    "Photograph: Ilse Varga/The Meridian Times",
    "The dam at dawn. (Photo by Mira Solberg)",
    "Advertisement",
    "Story continues below advertisement",
    "RELATED: Wrenfield farmers threaten new blockade",
    "Read more: Why the talks collapsed",
    "Sign up for the Courier's free evening newsletter to get the day's top stories in your inbox.",
    "Subscribe to Estavia Today for €1 a week",
    "Share this article",
    "© 2025 Lakeside Courier",
    "Copyright 2025 The Northgate Post. Proudly independent.",
    "This website uses cookies to ensure you get the best experience on our website.",
    "Published March 12, 2025",
    "March 14, 2025 6:10 AM UTC · Updated 3 hours ago",
    "Reporting by Ilse Varga in Port Alder; additional reporting by Noor Haddad; editing by Tom Hale",
  ])("drops %j", (line) => {
    expect(boilerplateLine(line)).toBeDefined();
  });

  // Sentences of a story that look like furniture at a glance: each must stay.
  it.each([
    "By Tuesday, both delegations are expected to have arrived in Port Alder.",
    "By then the talks had stalled over the drought clause.",
    "Copyright lawyers said the ruling would be appealed.",
    "Posted to the border in 2019, he said he had seen nothing like it.",
    "Voters must register by email before March 11, the electoral commission said.",
    "Share prices fell 3% on Monday after the deal was announced.",
    "The agency Getty Images said it had withdrawn the photograph.",
    "The vote is set for March 20, 2025 at 10:00.",
    "Watch this space, the minister told reporters.",
    "Related talks on fishing rights will begin in May, officials said.",
    "Farmers who signed up for the scheme will get their first payment in June.",
    "Updated figures from the canal board show the flow at 31 cubic metres a second.",
    "The newsletter of the Growers' Union called the deal a betrayal.",
  ])("keeps %j", (line) => {
    expect(boilerplateLine(line)?.name).toBeUndefined();
  });
});

describe("page chrome, by class and id", () => {
  it.each([
    "cookie-banner",
    "cookieBanner",
    "newsletter-signup",
    "jp-relatedposts",
    "related-stories",
    "share-bar",
    "ad-slot",
    "most-read",
    "story-byline",
    "wp-caption aligncenter",
    "ArticleHeader-bylineBlock",
  ])("names %j as boilerplate", (name) => {
    expect(namesBoilerplate(name)).toBe(true);
  });

  it.each(["story-body", "article-body", "entry-content", "shadow-box", "loaded", "readable", "story-text"])(
    "keeps %j",
    (name) => {
      expect(namesBoilerplate(name)).toBe(false);
    },
  );

  it("keeps an element whose class names boilerplate when it holds most of the page's text", () => {
    const story = "The talks resumed on Tuesday after a week-long pause, officials said. ".repeat(4);
    const document = parseDocument(
      page(
        `<div class="promo-box"><p>Subscribe now</p></div><div class="story ad-free"><p>${story}</p><p>${story}</p></div>`,
      ),
    );
    removePageChrome(document);
    expect(document.querySelector(".ad-free")).not.toBeNull();
    expect(document.querySelector(".promo-box")).toBeNull();
  });

  it("removes navigation, asides, figures, forms and hidden elements by tag, role and attribute", () => {
    const document = parseDocument(
      page(
        `<nav>Home</nav><div role="navigation">World</div><aside>Related</aside><figure><figcaption>Caption</figcaption></figure>
         <form>Email</form><div aria-hidden="true">Ad</div><div hidden>Hidden</div><p>The story.</p>`,
      ),
    );
    removePageChrome(document);
    expect(document.body?.textContent?.trim()).toBe("The story.");
  });
});

describe("paragraphs", () => {
  it("takes one paragraph per <p> and list item, and leaves headings out", () => {
    expect(
      paragraphs(
        "<h2>Sub</h2><p>One.</p><ul><li>Two.</li><li>Three.</li></ul><p>Four <em>and</em> more.</p>",
      ),
    ).toEqual(["One.", "Two.", "Three.", "Four and more."]);
  });

  it("splits text at two <br> and joins lines at one", () => {
    expect(paragraphs("<div>First line<br>still first.<br><br>Second.<br> <br>Third.</div>")).toEqual([
      "First line still first.",
      "Second.",
      "Third.",
    ]);
  });

  it("makes the source's own line breaks spaces, never paragraph breaks", () => {
    expect(paragraphs("<div>One sentence\n\n   that the page's source wraps.</div>")).toEqual([
      "One sentence that the page's source wraps.",
    ]);
  });

  it("leaves out blocks that are all links, and short ones that are mostly links", () => {
    const html = `<p>The offer moved to <a href="/x">33 cubic metres</a> a second on Monday, officials said in a statement.</p>
      <ul><li><a href="/a">Kordane raises its offer</a></li><li><a href="/b">Farmers block a bridge</a></li></ul>
      <p>Our Standards: <a href="/t">The Trust Principles.</a></p>`;
    const body = parseDocument(page(html)).body;
    if (!body) throw new Error("no body");
    const blocks = paragraphsOf(body);
    expect(blocks.paragraphs).toEqual([
      "The offer moved to 33 cubic metres a second on Monday, officials said in a statement.",
    ]);
    expect(blocks.linkBlocksLeftOut).toBe(3);
  });

  it("keeps a short sentence whose names are links", () => {
    expect(
      paragraphs(
        '<p><a href="/q">Qatar</a> and <a href="/e">Egypt</a> confirmed the <a href="/t">talks</a>.</p>',
      ),
    ).toEqual(["Qatar and Egypt confirmed the talks."]);
  });

  it("counts the tables it leaves out", () => {
    const body = parseDocument(page("<p>Before.</p><table><tr><td>36</td></tr></table><p>After.</p>")).body;
    if (!body) throw new Error("no body");
    expect(paragraphsOf(body)).toMatchObject({ paragraphs: ["Before.", "After."], tablesLeftOut: 1 });
  });
});

describe("pages that are not whole documents", () => {
  it("reads a fragment, and a page with no <body> tag, as a browser would", () => {
    expect(textOf(parseDocument("<p>A saved snippet.</p>").body)).toBe("A saved snippet.");
    expect(textOf(parseDocument("just words").body)).toBe("just words");
    const noBody = parseDocument("<html><head><title>T</title></head><p>No body tag.</p></html>");
    expect(textOf(noBody.body)).toBe("No body tag.");
    expect(textOf(noBody.querySelector("title"))).toBe("T");
  });
});

describe("metadata, in the documented order", () => {
  const jsonLd = (value: unknown) => `<script type="application/ld+json">${JSON.stringify(value)}</script>`;

  it("prefers JSON-LD to Open Graph to <title>, and follows a publisher given by @id", () => {
    const head = `<title>Social title - Outlet From Title</title>
      <meta property="og:title" content="Social title"><meta property="og:site_name" content="OG Outlet">
      <meta property="article:published_time" content="2025-03-13T23:10:00-07:00">
      ${jsonLd({
        "@context": "https://schema.org",
        "@graph": [
          { "@type": "Organization", "@id": "#org", name: "Graph Outlet" },
          {
            "@type": "NewsArticle",
            headline: "The JSON-LD headline",
            datePublished: "2025-03-14T06:10:00Z",
            author: [{ name: "Ana One" }, "Ben Two"],
            publisher: { "@id": "#org" },
          },
        ],
      })}`;
    const metadata = readMetadata(parseDocument(page("<h1>x</h1>", head)));
    expect(metadata.title).toEqual({ value: "The JSON-LD headline", from: "JSON-LD headline" });
    expect(metadata.source).toEqual({ value: "Graph Outlet", from: "JSON-LD publisher.name" });
    expect(metadata.published).toMatchObject({ value: "2025-03-14", from: "JSON-LD datePublished" });
    expect(metadata.authors).toEqual(["Ana One", "Ben Two"]);
    expect(metadata.dates.map((d) => d.from)).toEqual(["JSON-LD datePublished", "article:published_time"]);
  });

  it("falls back to Open Graph, then to the headline and outlet in <title>", () => {
    const og = readMetadata(
      parseDocument(
        page(
          "",
          `<meta property="og:title" content="OG headline"><meta property="og:site_name" content="OG Outlet">
           <meta property="article:published_time" content="2025-03-10T18:45:00Z">`,
        ),
      ),
    );
    expect([og.title?.value, og.source?.value, og.published?.value]).toEqual([
      "OG headline",
      "OG Outlet",
      "2025-03-10",
    ]);

    const plain = readMetadata(
      parseDocument(page("<h1>Mediator hopeful</h1>", "<title>Mediator hopeful | The Post</title>")),
    );
    expect(plain.title).toEqual({ value: "Mediator hopeful", from: "<title>" });
    expect(plain.source).toEqual({ value: "The Post", from: "<title>" });
    expect(plain.published).toBeUndefined();
  });

  it("does not take an outlet from a <title> whose first part is not the headline", () => {
    const metadata = readMetadata(
      parseDocument(page("<h1>Another headline</h1>", "<title>Water - a history</title>")),
    );
    expect(metadata.source).toBeUndefined();
    expect(metadata.title?.value).toBe("Water - a history");
  });

  it("reads a microdata date, and names a date that is not ISO instead of guessing it", () => {
    const microdata = readMetadata(
      parseDocument(
        page('<time itemprop="datePublished" datetime="2025-03-12T09:00:00+01:00">12 March</time>'),
      ),
    );
    expect(microdata.published).toMatchObject({ value: "2025-03-12", from: 'itemprop="datePublished"' });

    const unreadable = readMetadata(
      parseDocument(
        page("", jsonLd({ "@type": "NewsArticle", headline: "H", datePublished: "March 12th, 2025" })),
      ),
    );
    expect(unreadable.published).toBeUndefined();
    expect(unreadable.unreadableDates).toEqual([
      { value: "March 12th, 2025", from: "JSON-LD datePublished" },
    ]);
  });

  it("resolves a relative canonical link against the page's address, and skips it without one", () => {
    const html = page(
      "",
      '<link rel="canonical" href="/news/story"><meta property="og:url" content="https://og.example/story">',
    );
    expect(readMetadata(parseDocument(html), "https://site.example/old?x=1").url).toEqual({
      value: "https://site.example/news/story",
      from: '<link rel="canonical">',
    });
    expect(readMetadata(parseDocument(html)).url).toEqual({
      value: "https://og.example/story",
      from: "og:url",
    });
  });

  it("passes over a JSON-LD block that is not JSON, and says so", () => {
    const metadata = readMetadata(
      parseDocument(page("", '<script type="application/ld+json">{ broken</script>')),
    );
    expect(metadata.notes).toEqual(["a JSON-LD block on the page is not valid JSON and was passed over"]);
  });
});

describe("Markdown and plain text", () => {
  it("reads Markdown's front matter and paragraphs, with links and emphasis as plain text", () => {
    const extracted = extractMarkdown(
      `---\ntitle: A title\nsource: An Outlet\npublished: 2025-06-01\nurl: https://a.example/x\nauthor: Sofia L\nsection: world\n---\n# Heading\n\nFirst line\nwrapped. With [a link](https://x.example) and *emphasis*.\n\n## Sub\n\n- item one\n- item two\n`,
      "report.md",
    );
    expect(extracted.metadata).toMatchObject({
      title: { value: "A title" },
      source: { value: "An Outlet" },
      published: { value: "2025-06-01" },
      url: { value: "https://a.example/x" },
      authors: ["Sofia L"],
    });
    expect(extracted.paragraphs).toEqual([
      "First line wrapped. With a link and emphasis.",
      "item one",
      "item two",
    ]);
    expect(extracted.notes).toEqual([
      "front matter field 'section' was not used (talks-bot reads title, source, published, url, author, authors, byline)",
    ]);
  });

  it("refuses a front matter url that is not an http(s) address", () => {
    expect(() => extractMarkdown("---\nurl: see the paper\n---\nText.", "r.md")).toThrow(
      "add: r.md: front matter 'url' must be an http(s) address, not 'see the paper'",
    );
  });

  it("takes a Markdown title from the first # heading when the front matter has none", () => {
    expect(extractMarkdown("# The heading\n\nText.", "r.md").metadata.title).toEqual({
      value: "The heading",
      from: "# heading",
    });
  });

  it("splits plain text at blank lines, or at every line when it has none", () => {
    expect(extractText("One\nstill one.\n\nTwo.\r\n\r\nThree.").paragraphs).toEqual([
      "One still one.",
      "Two.",
      "Three.",
    ]);
    expect(extractText("One.\nTwo.\nThree.\n").paragraphs).toEqual(["One.", "Two.", "Three."]);
  });
});

describe("duplicates", () => {
  it("treats the addresses of one page as one", () => {
    const key = urlKey("https://www.example.com/news/story/?utm_source=rss&id=7#top");
    expect(urlKey("http://example.com/news/story?id=7")).toBe(key);
    expect(urlKey("https://example.com/news/story?id=8")).not.toBe(key);
    expect(cleanUrl("https://example.com/a?utm_medium=feed&fbclid=x&page=2#c")).toBe(
      "https://example.com/a?page=2",
    );
  });

  const story = [
    "Negotiators for both countries met in Port Alder on Tuesday to resume talks on the lake's water.",
    "The mediator said the gap between the two offers had narrowed to a handful of cubic metres a second.",
    "Farmers downstream said they would judge the talks by the first summer release from the dam.",
  ];
  const article = (paragraphTexts: string[], url?: string) =>
    parseArticle(
      "articles/x.md",
      `---\nid: x\ntitle: T\nsource: S\npublished: 2025-03-04\n${url ? `url: ${url}\n` : ""}---\n${paragraphTexts.join("\n")}\n`,
    );

  it("finds the same text with small edits, and not another report on the same story", () => {
    const edited = [...story.slice(0, 2), `${story[2]} A spokesman declined to comment.`];
    expect(overlap(shingles(story), shingles(edited))).toBeGreaterThan(0.8);
    expect(duplicateOf(undefined, edited, [article(story)])).toContain(
      "nearly the same text as articles/x.md",
    );
    const other = [
      "The parliament approved the agreement by 112 votes to 41 after a six-hour debate on Thursday.",
      "Opposition members said the drought clause left farmers exposed in the driest years.",
    ];
    expect(duplicateOf(undefined, other, [article(story)])).toBeUndefined();
  });

  it("finds the same address", () => {
    expect(
      duplicateOf(
        "http://example.com/a/",
        ["Completely different words here."],
        [article(story, "https://example.com/a")],
      ),
    ).toContain("same address");
  });
});

describe("the corpus file", () => {
  it("names the report by date, outlet and title, in ASCII", () => {
    expect(
      articleId(
        "2025-03-04",
        "The Meridian Times",
        "Estavia and Kordane agree to resume Lake Merrow water talks",
        undefined,
      ),
    ).toBe("2025-03-04-meridian-times-estavia-and-kordane-agree-to-resume-lake-merrow");
    expect(slugify("Zürich’s café: a “deal” & more", 60)).toBe("zurichs-cafe-a-deal-and-more");
    expect(
      articleId("2025-03-04", "الجزيرة", "عنوان", "https://www.aljazeera.example/news/2025/3/4/water-talks"),
    ).toBe("2025-03-04-aljazeera-water-talks");
  });

  it("writes front matter the loader reads back exactly, quoting what YAML would misread", () => {
    const fields = {
      id: "2025-03-04-x-y",
      title: "Kordane: yes, a deal",
      source: "2025-03-04",
      published: "2025-03-04",
      url: "https://example.com/a?b=1&c=2",
      byline: ["null", "Ana #1"],
      added: "2025-03-05",
    };
    const article = parseArticle("articles/x.md", renderArticle(fields, ["First.", "Second."]));
    expect(article).toMatchObject({
      id: fields.id,
      title: fields.title,
      source: fields.source,
      published: fields.published,
      url: fields.url,
      byline: fields.byline,
      added: fields.added,
    });
    expect(article.paragraphs.map((p) => p.text)).toEqual(["First.", "Second."]);
  });
});
