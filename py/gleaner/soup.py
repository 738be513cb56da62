"""BeautifulSoup trees built by one html.parser everywhere (see _html_parser.py for why)."""

from bs4 import BeautifulSoup
from bs4.builder import HTMLParserTreeBuilder
from bs4.builder._htmlparser import BeautifulSoupHTMLParser, DetectsXMLParsedAsHTML

from . import _html_parser


def _init(self, soup, *args, on_duplicate_attribute=BeautifulSoupHTMLParser.REPLACE, **kwargs):
    # BeautifulSoupHTMLParser.__init__ (bs4 4.15.0), calling our parser's own __init__.
    self.soup = soup
    self.on_duplicate_attribute = on_duplicate_attribute
    self.attribute_dict_class = soup.builder.attribute_dict_class
    _html_parser.HTMLParser.__init__(self, *args, **kwargs)
    self.already_closed_empty_element = []
    self._initialize_xml_detector()


# bs4's event handlers on top of the bundled parser instead of the stdlib one.
GleanerHTMLParser = type(
    "GleanerHTMLParser",
    (_html_parser.HTMLParser, DetectsXMLParsedAsHTML),
    {
        **{k: v for k, v in vars(BeautifulSoupHTMLParser).items() if k not in ("__dict__", "__weakref__")},
        "__init__": _init,
    },
)


class GleanerTreeBuilder(HTMLParserTreeBuilder):
    NAME = "gleaner.html.parser"

    def feed(self, markup, _parser_class=GleanerHTMLParser):
        super().feed(markup, _parser_class)


def make_soup(html):
    """Parse HTML text the way Page.soup does, natively and in the browser alike."""
    return BeautifulSoup(html, builder=GleanerTreeBuilder())
