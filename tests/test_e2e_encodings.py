"""Non-UTF-8 and mislabelled pages of the corpus come through the browser with correct text."""

import pytest

from gleaner_cli.browser import popup_results

# Titles read by people from the pages themselves (and, where the corpus has
# gold metadata, equal to it).
TITLES = {
    "news-rp-pl-windows-1250.html": 'Unijne fundusze coraz bliżej. Sejm zagłosował "za"',
    "sport-bundesliga-windows-1252.html": "Bundesliga: Dortmund - Mönchengladbach live sehen!",
    "news-proplanta-iso-8859-1.html": "Bayern fordert höhere Erlösobergrenzen für Bioenergie",
    "archive-xinhuanet-gb2312-conflicting-charset.html": "话剧《约定无期限》河北各市巡演结束",
    # Declares gb2312, but the bytes are UTF-8: Chrome shows mojibake; Gleaner does not.
    "news-qq-mislabelled-gb2312.html": "DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶_科技_腾讯网",
    "jp-2ch-shift-jis.html": "２ちゃんねる掲示板へようこそ",
    "jp-shift-jis-title-before-meta.html": "たこ焼き仮面",
    "jp-iso-2022-jp.html": "たこ焼き仮面",
    # No charset anywhere and UTF-8 bytes: the browser guesses windows-1252.
    "news-entermedia-ko-tables.html": "엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유",
    "news-radiomaryja-broken-utf8.html": "Sprzeciw wobec ataków na Fundację Lux Veritatis",
}




@pytest.mark.parametrize("name", sorted(TITLES))
def test_title_text_is_correct(chromium, corpus_site, offline, name):
    page, tab_id = chromium.open_tab(f"{corpus_site}/html/{name}?encoding")
    popup = chromium.open_popup(tab_id)
    try:
        assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
        shown = {r["scraper"]: r for r in popup_results(popup)}
        assert "metadata" in shown, shown
        metadata = shown["metadata"]
        title = metadata["rows"][0][metadata["columns"].index("title")]
        assert title.startswith(TITLES[name])
    finally:
        popup.close()
        page.close()
