from conftest import SEEDS

from whosaid.data.clutter import is_clutter, split_clutter_prefix
from whosaid.data.records import read_documents


def test_seed_articles_split_like_the_gold(pipeline):
    for gold in read_documents(SEEDS / "gold.jsonl"):
        text = (SEEDS / gold.meta["file"]).read_text(encoding="utf-8")
        assert [s.text for s in pipeline.split(text)] == gold.texts


def test_layout_broken_sentence_is_joined(pipeline):
    text = 'Officials said on Monday that "dozens" of injured\n\nfishermen\n\nhad been rescued from the reef.'
    assert [s.text for s in pipeline.split(text)] == ['Officials said on Monday that "dozens" of injured fishermen had been rescued from the reef.']


def test_multi_sentence_quote_is_split_and_tail_kept(pipeline):
    text = '"We will rebuild. It will take years," the mayor said. "Nobody is leaving."'
    assert [s.text for s in pipeline.split(text)] == ['"We will rebuild.', 'It will take years," the mayor said.', '"Nobody is leaving."']


def test_clutter_lines_stay_their_own_segments(pipeline):
    text = "By Anna Kowalczyk | Staff Reporter\nThe council voted to close the library.\nAdvertisement\nResidents were furious.\nShare this article"
    segments = pipeline.split(text)
    assert [s.text for s in segments] == [
        "By Anna Kowalczyk | Staff Reporter", "The council voted to close the library.", "Advertisement", "Residents were furious.", "Share this article",
    ]
    assert [s.clutter for s in segments] == [True, False, True, False, True]


def test_glued_call_to_action_is_cut_but_dateline_kept(pipeline):
    assert split_clutter_prefix("Read Entire Article date 2024-12-28 (Agency) The port reopened on Friday.")[0] == "Read Entire Article"
    segments = pipeline.split("date 2024-12-28 (Wire Service) The port reopened on Friday after a week of strikes.")
    assert len(segments) == 1


def test_presplit_sentences_keep_their_boundaries(pipeline):
    texts = ["First part of a sentence that was", "split by the user. And more."]
    assert [s.text for s in pipeline.parse(texts)] == texts


def test_clutter_patterns():
    for line in ["ShareFacebook Twitter WhatsApp Email Print Telegram", "4 months ago 90", "( with input from agency)",
                 "Updated 14:32 GMT", "Read more: Floods hit the north", "Advertisement", "© 2025 Example Media"]:
        assert is_clutter(line), line
    for line in ["The minister said the bridge would reopen.", "Zelenskyy", "Floods hit the north again"]:
        assert not is_clutter(line), line
