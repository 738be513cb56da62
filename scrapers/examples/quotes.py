"""Quotes on quotes.toscrape.com: one record per quote, with its author and tags.

An example of a site-specific scraper: it runs only where its MATCHES say,
reads the page with BeautifulSoup, and carries its own TESTS.
"""

NAME = "quotes"
TITLE = "Quotes"
VERSION = "1.0.0"
DESCRIPTION = "One record per quote on quotes.toscrape.com: text, author, author page, tags."
MATCHES = ["*://quotes.toscrape.com/*"]
EXCLUDES = ["*://quotes.toscrape.com/login*"]
INPUT = "html"
REQUIRES = []

# The site wraps every quote in typographic quotation marks.
QUOTE_MARKS = "“”\""


def scrape(page):
    for quote in page.soup.select("div.quote"):
        author = quote.select_one(".author")
        about = quote.select_one("a[href^='/author/']")
        yield {
            "text": quote.select_one(".text").get_text(strip=True).strip(QUOTE_MARKS),
            "author": author.get_text(strip=True) if author else None,
            "author_url": page.absolute(about["href"]) if about else None,
            "tags": [tag.get_text(strip=True) for tag in quote.select("a.tag")],
        }


TESTS = [
    {
        "name": "a saved page: exact records",
        "url": "https://quotes.toscrape.com/",
        "file": "fixtures/example-quotes.html",
        "records": [
            {
                "text": "The world as we have created it is a process of our thinking. It cannot be changed without changing our thinking.",
                "author": "Albert Einstein",
                "author_url": "https://quotes.toscrape.com/author/Albert-Einstein",
                "tags": ["change", "deep-thoughts", "thinking", "world"],
            },
            {
                "text": "A day without sunshine is like, you know, night.",
                "author": "Steve Martin",
                "author_url": "https://quotes.toscrape.com/author/Steve-Martin",
                "tags": ["humor", "obvious", "simile"],
            },
            {
                "text": "Ein Tag ohne Lächeln ist ein verlorener Tag.",
                "author": "Charlie Chaplin",
                "author_url": "https://quotes.toscrape.com/author/Charlie-Chaplin",
                "tags": [],
            },
        ],
    },
    {
        "name": "matchers: count, regex, type",
        "url": "https://quotes.toscrape.com/page/2/",
        "html": '<div class="quote"><span class="text">“Short.”</span><small class="author">A. Person</small>'
        '<a class="tag" href="/tag/x/">x</a></div>',
        "count": 1,
        "expect": [{"text": "re:^Short\\.$", "author": str, "author_url": None, "tags": "count:1"}],
    },
]
