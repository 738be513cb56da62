"""A BeautifulSoup tree built from the browser's DOM, without parsing the HTML again.

The browser has parsed the page already; extension/content/capture.js walks
its DOM into JSON text: one flat list of events in document order (flat, as
a page may nest elements deeper than a JSON reader recurses):

- ``[name, [attribute, value, ...]]``: an element starts;
- ``0``: the innermost open element ends;
- a string: text;
- ``[1, text]``: a comment;
- ``[2, markup]``: markup the DOM keeps as text (a noscript's content in a
  page that runs scripts) and html.parser parses;
- ``[3, declaration]``: the doctype;
- ``[4, text]``: a processing instruction (``<?text>``).

The tree is built through the same BeautifulSoup calls html.parser's events
make, so it is the tree ``make_soup`` gives for the page's HTML (the
capture's other half): the corpus tests hold the two equal node for node. It
takes half the time of a parse, which is most of a warm scrape. One thing
differs: tags carry no ``sourceline``/``sourcepos`` (there is no source).
"""

import json

from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction

from .soup import GleanerHTMLParser, GleanerTreeBuilder

END, COMMENT, MARKUP, DOCTYPE, PROCESSING_INSTRUCTION = 0, 1, 2, 3, 4


class DomTreeBuilder(GleanerTreeBuilder):
    NAME = "gleaner.dom"

    def prepare_markup(self, markup, *args, **kwargs):
        yield markup, None, None, False

    def feed(self, events_json):
        soup = self.soup
        # The open elements' names, innermost last; None for one already closed.
        open_names = []
        for event in json.loads(events_json):
            if type(event) is str:
                soup.handle_data(event)
            elif type(event) is int:
                if event != END:
                    raise ValueError(f"unknown DOM event {event!r}")
                name = open_names.pop()
                if name is not None:
                    soup.handle_endtag(name)
            elif type(event[0]) is str:
                name, attributes = event
                tag = soup.handle_starttag(name, None, None, dict(zip(attributes[::2], attributes[1::2])))
                if tag.is_empty_element:
                    # html.parser's builder closes these at once (bs4's empty
                    # elements, a few more than HTML's void ones): what the
                    # DOM nests in one follows it as siblings.
                    soup.handle_endtag(name)
                    name = None
                open_names.append(name)
            elif event[0] == COMMENT:
                self._string(event[1], Comment)
            elif event[0] == DOCTYPE:
                self._string(event[1], Doctype)
            elif event[0] == PROCESSING_INSTRUCTION:
                self._string(event[1], ProcessingInstruction)
            elif event[0] == MARKUP:
                self._parse(event[1])
            else:
                raise ValueError(f"unknown DOM event {event[0]!r}")
        if open_names:
            raise ValueError("the DOM walk ended inside an element")

    def _string(self, text, container):
        self.soup.endData()
        self.soup.handle_data(text)
        self.soup.endData(container)

    def _parse(self, markup):
        args, kwargs = self.parser_args
        parser = GleanerHTMLParser(self.soup, *args, **kwargs)
        parser.feed(markup)
        parser.close()


def soup_from_dom(events_json):
    """The tree of a page from its DOM walk (see the module's docstring)."""
    return BeautifulSoup(events_json, builder=DomTreeBuilder())
