"""gleaner.html_text: block text, and skip() verdicts that wait for an element's text.

The article built-in leaves short blocks out by their text (an ad label, a
date line); block_text reads that text in its walk instead of a second read
of the element, and must hand skip's check exactly what inline_text gives.
The expected texts are literals read off the HTML by hand.
"""

from gleaner.html_text import block_text, inline_text
from gleaner.soup import make_soup


def text_with(html, skip):
    return block_text(make_soup(html).body, skip=skip)


def test_an_element_left_out_by_its_text():
    html = "<body><p>Rain fell on Friday.</p><p>Advertisement</p><p>Farmers welcomed it.</p></body>"
    seen = []

    def skip(tag):
        return (lambda text: seen.append(text) or text == "Advertisement") if tag.name == "p" else False

    assert text_with(html, skip) == "Rain fell on Friday.\n\nFarmers welcomed it."
    assert seen == ["Rain fell on Friday.", "Advertisement", "Farmers welcomed it."]


def test_the_text_given_is_inline_text_across_line_breaks_cells_and_inline_tags():
    html = ("<body><p>Posted  on<br>Friday,<b>1 March</b></p>"
            "<table><tr><td>Home</td><td>»</td><td>World</td><td>»</td></tr></table></body>")
    seen = {}

    def skip(tag):
        return (lambda text: seen.setdefault(tag.name, text) is None) if tag.name in ("p", "tr") else False

    assert text_with(html, skip) == "Posted on\n\nFriday,1 March\n\nHome » World »"  # nothing left out
    assert seen == {"p": "Posted on Friday, 1 March", "tr": "Home » World »"}
    assert seen["p"] == inline_text(make_soup(html).p)


def test_text_the_walk_left_out_still_counts_for_the_verdict():
    # The <span> is left out of the walk, yet inline_text (the check's input) holds it; so does the
    # text of the <p> the inner check removes, for the <div> around it.
    html = ('<body><p>Posted by <span class="who">Ann Lee</span></p>'
            "<div>Intro <p>Advertisement</p></div><p>The story.</p></body>")
    seen = []

    def skip(tag):
        if tag.name == "span":
            return True
        if tag.name == "p":
            return lambda text: seen.append(text) or text in ("Posted by Ann Lee", "Advertisement")
        if tag.name == "div":
            return lambda text: seen.append(text) or text == "Intro Advertisement"
        return False

    assert text_with(html, skip) == "The story."
    assert seen == ["Posted by Ann Lee", "Advertisement", "Intro Advertisement", "The story."]


def test_scripts_inside_an_element_are_not_its_text():
    html = "<body><p>Updated 10:01 pm<script>var x = 1;</script></p><p>The story.</p></body>"
    seen = []

    def skip(tag):
        return (lambda text: seen.append(text) or text.startswith("Updated")) if tag.name == "p" else False

    assert text_with(html, skip) == "The story."
    assert seen == ["Updated 10:01 pm", "The story."]


def test_a_plain_true_still_leaves_an_element_out_unread():
    html = "<body><nav><p>Home</p></nav><p>The story.</p></body>"
    asked = []

    def skip(tag):
        asked.append(tag.name)
        return tag.name == "nav"

    assert text_with(html, skip) == "The story."
    assert asked == ["nav", "p"]
