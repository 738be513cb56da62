"""Stories on a Hacker News list page: rank, title, link, points, author, comments.

Job ads have no points, author or comments: those fields are None, never
guessed, so a CSV export shows them as empty cells.
"""

import re

NAME = "hacker-news"
TITLE = "Hacker News stories"
VERSION = "1.0.0"
DESCRIPTION = "One record per story on news.ycombinator.com list pages."
MATCHES = ["https://news.ycombinator.com/*"]
EXCLUDES = ["https://news.ycombinator.com/item*", "https://news.ycombinator.com/user*"]
INPUT = "html"
REQUIRES = []


def number(text):
    """The first whole number in a text ("57\xa0comments" -> 57), or None."""
    match = re.search(r"\d+", text or "")
    return int(match.group()) if match else None


def scrape(page):
    for row in page.soup.select("tr.athing"):
        link = row.select_one(".titleline > a")
        if link is None:
            continue
        subtext = row.find_next_sibling("tr")
        subtext = subtext.select_one("td.subtext") if subtext else None
        score = subtext.select_one(".score") if subtext else None
        user = subtext.select_one(".hnuser") if subtext else None
        age = subtext.select_one(".age") if subtext else None
        comments = [a.get_text() for a in subtext.find_all("a") if "comment" in a.get_text()] if subtext else []
        discuss = subtext is not None and user is not None
        yield {
            "rank": number(row.select_one(".rank").get_text() if row.select_one(".rank") else None),
            "id": row.get("id"),
            "title": link.get_text(strip=True),
            "url": page.absolute(link["href"]),
            "site": row.select_one(".sitestr").get_text() if row.select_one(".sitestr") else None,
            "points": number(score.get_text()) if score else None,
            "user": user.get_text() if user else None,
            "comments": number(comments[0]) if comments else (0 if discuss else None),
            "posted": age["title"].split()[0] if age and age.get("title") else None,
        }


TESTS = [
    {
        "name": "front page with a story, an Ask HN and a job ad",
        "url": "https://news.ycombinator.com/news",
        "file": "fixtures/example-hacker-news.html",
        "records": [
            {
                "rank": 1, "id": "46100001", "title": "Running Python in a browser extension",
                "url": "https://example.org/pyodide-in-extensions", "site": "example.org",
                "points": 118, "user": "ada", "comments": 57, "posted": "2026-11-25T09:12:44",
            },
            {
                "rank": 2, "id": "46100002", "title": "Ask HN: How do you test scrapers?",
                "url": "https://news.ycombinator.com/item?id=46100002", "site": None,
                "points": 1, "user": "grace", "comments": 0, "posted": "2026-11-25T11:40:02",
            },
            {
                "rank": 3, "id": "46100003", "title": "Example (YC W26) is hiring engineers",
                "url": "https://jobs.example.com/hiring", "site": "example.com",
                "points": None, "user": None, "comments": None, "posted": "2026-11-25T08:00:00",
            },
        ],
    },
    {
        "name": "matchers on the same page",
        "url": "https://news.ycombinator.com/news",
        "file": "fixtures/example-hacker-news.html",
        "count": "mincount:2",
        "expect": [{"rank": int, "url": "startswith:https://", "points": int}],
    },
]
