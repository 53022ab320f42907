"""``whosaid report``: the HTML page of a rules-labelled seed run, read back with html.parser and Chromium."""

import json
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser

import pytest
from conftest import SEEDS

from whosaid.data.records import AUTHOR, STANCES, Document, Sentence, read_documents, write_documents
from whosaid.model.cli import main
from whosaid.model.inputs import iter_inputs
from whosaid.model.labeler import RulesLabeler
from whosaid.model.report import MAX_HEDGED_CLAIMS, TOP_SPEAKERS, marked_text, render_report, speaker_rows
from whosaid.training.harness import score_system

GOLD = SEEDS / "gold.jsonl"
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


class Page(HTMLParser):
    """The parts of a page the tests read: all text, table rows as cell texts, marked cues, tags and classes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text, self.rows, self.cues, self.tags = [], [], [], []
        self.classes: Counter = Counter()
        self._in_mark = self._in_cell = False
        self.feed(html)
        self.text = " ".join(" ".join(self.text).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.classes.update((attrs.get("class") or "").split())
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")
            self._in_cell = True
        self._in_mark = tag == "mark"

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark = False
        elif tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self.cues.append(data)
        if self._in_cell:
            self.rows[-1][-1] = " ".join(f"{self.rows[-1][-1]} {data}".split())

    def row(self, first_cell: str, cells: int | None = None) -> list[str]:
        """The first table row starting with this cell (and this many cells, if given)."""
        return next(row for row in self.rows if row[:1] == [first_cell] and cells in (None, len(row)))


@pytest.fixture(scope="module")
def labelled(pipeline, tmp_path_factory):
    """What ``whosaid label seeds/*.txt --model rules`` writes."""
    path = tmp_path_factory.mktemp("run") / "labels.jsonl"
    write_documents(RulesLabeler(pipeline)(list(iter_inputs(sorted(str(p) for p in SEEDS.glob("*.txt"))))), path)
    return path


@pytest.fixture(scope="module")
def page_file(labelled):
    out = labelled.parent / "report.html"
    assert main(["report", str(labelled), "-o", str(out), "--gold", str(GOLD), "--title", "Seed run"]) == 0
    return out


def check_seed_page(page: Page, labelled) -> None:
    """Speakers with their claim counts, the stance legend, hedge cues, and the harness's metrics."""
    documents = read_documents(labelled)
    claims = [s for d in documents for s in d.sentences if not s.boilerplate]
    for speaker, n in Counter(s.speaker for s in claims if s.speaker != AUTHOR).items():
        assert page.row(speaker)[1] == str(n), speaker
    assert "author (writer's own voice)" in page.text
    for stance in STANCES:
        assert f"{stance} ({sum(s.stance == stance for s in claims)})" in page.text
    assert {c for s in claims for c in s.hedge_cues} <= {c.lower() for c in page.cues}
    assert "reportedly" in page.cues
    scores = score_system("run", read_documents(GOLD), documents).scores
    for name in ("stance_accuracy", "hedging_exact", "speaker_lenient"):
        assert page.row(name) == [name, f"{scores[name]:.3f}"]
    assert "stance confusion" in page.text and "hedging confusion" in page.text


def test_page_shows_who_said_what_and_the_metrics(page_file, labelled):
    page = Page(page_file.read_text())
    check_seed_page(page, labelled)
    assert page.text.startswith("Seed run")
    documents = read_documents(labelled)
    assert page.classes["document"] == len(documents)
    assert page.classes["boilerplate"] == sum(bool(s.boilerplate) for d in documents for s in d.sentences)
    assert "Alignment problems" not in page.text
    gold_prose = sum(s.boilerplate is False for d in read_documents(GOLD) for s in d.sentences)
    stance_confusion = [row[1:] for row in page.rows if row[:1] and row[0] in STANCES and row[1].isdigit()]
    assert len(stance_confusion) == 4 and sum(int(n) for row in stance_confusion for n in row) == gold_prose
    # self-contained: no scripts, no external resources
    assert not [tag for tag, attrs in page.tags if tag in ("script", "link", "img", "iframe") or "src" in attrs]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (install Debian's chromium package to run this test)")
def test_chromium_renders_the_page(page_file, labelled, tmp_path):
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page_file.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert "<mark" in dom
    check_seed_page(Page(dom), labelled)


def test_untrusted_text_is_escaped():
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    document = Document(
        "<img src=x onerror=alert(1)>",
        [Sentence(hostile, False, '"><img src=y>', stance="warning", hedging="medium", hedge_cues=["<b>bold</b>"])],
        title="</title><script>x</script>",
    )
    page = Page(render_report([document], title="<i>t</i>"))
    assert [tag for tag, _ in page.tags if tag in ("script", "img", "b", "i")] == []
    assert hostile in page.text and '"><img src=y>' in page.text and "<img src=x onerror=alert(1)>" in page.text
    assert set(page.cues) == {"hedge cue", "<b>bold</b>"}  # the legend's example, then the sentence's cue


def test_a_large_run_lists_some_documents_and_summarises_all():
    speakers = [f"Speaker {i}" for i in range(TOP_SPEAKERS + 30)]
    documents = [
        Document(f"doc-{d}", [
            Sentence(f"Claim {d}-{i} may matter.", False, speakers[(d + i) % len(speakers)], stance="estimate",
                     hedging="medium", hedge_cues=["may"])
            for i in range(3)
        ] + [Sentence("Read more", True)])
        for d in range(1500)
    ]
    page = Page(render_report(documents, max_documents=40))
    assert page.classes["document"] == 40
    assert "40 of 1500 documents are listed (1460 more not shown" in page.text
    assert f"All {len(speakers)} speakers (30 more)" in page.text
    assert sum(int(page.row(name)[1]) for name in speakers) == 4500
    assert f"4500 claims hedged high or medium; the first {MAX_HEDGED_CLAIMS} are listed" in page.text


def test_speakers_are_grouped_by_speaker_id_when_present():
    documents = [
        Document("a", [Sentence("x", False, "Volodymyr Zelenskyy", stance="assertion", hedging="none", speaker_id="s1"),
                       Sentence("y", False, "Zelenskyy", stance="warning", hedging="high", speaker_id="s1")]),
        Document("b", [Sentence("z", False, "Zelenskyy", stance="assertion", hedging="none", speaker_id="s1"),
                       Sentence("w", False, "Zelenskyy", stance="assertion", hedging="none")]),
    ]
    rows, author = speaker_rows(documents)
    assert [(r.name, r.speaker_id, r.claims, r.variants) for r in rows] == [
        ("Zelenskyy", "s1", 3, ["Volodymyr Zelenskyy"]), ("Zelenskyy", None, 1, [])
    ]
    assert rows[0].stances == Counter(assertion=2, warning=1) and author.claims == 0
    assert "also: Volodymyr Zelenskyy" in Page(render_report(documents)).text


def test_marked_text_finds_cues_as_whole_words():
    assert marked_text("The mayor May resign, it could not be independently verified.",
                       ["may", "could not be independently verified"]) == [
        ("The mayor ", False), ("May", True), (" resign, it ", False),
        ("could not be independently verified", True), (".", False)]
    assert marked_text("No cues here.", []) == [("No cues here.", False)]


def test_claim_groups_side_by_side_with_differences_flagged(labelled, tmp_path):
    documents = read_documents(labelled)
    first, second = documents[0].sentences[11], documents[1].sentences[5]
    member = lambda doc, index, s: {"doc_id": doc.doc_id, "index": index, "text": s.text, "speaker": s.speaker,
                                    "speaker_id": None, "stance": s.stance, "hedging": s.hedging, "hedge_cues": s.hedge_cues}
    groups = [
        {"claim_id": "c00001", "text": "agreed", "members": [member(documents[0], 0, documents[0].sentences[0])] * 2,
         "differences": []},
        {"claim_id": "c00002", "text": first.text, "members": [member(documents[0], 11, first), member(documents[1], 5, second)],
         "differences": [{"field": "hedging", "detail": "hedge raised: low vs medium"},
                         {"field": "speaker", "detail": "Volodymyr Zelenskyy vs Ukrainian military"}]},
    ]
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps(g) + "\n" for g in groups))
    out = tmp_path / "report.html"
    assert main(["report", str(labelled), "-o", str(out), "--claims", str(claims)]) == 0
    page = Page(out.read_text())
    assert "2 claims reported by more than one document; 1 reported differently (hedging: 1, speaker: 1)" in page.text
    assert page.text.index("c00002") < page.text.index("c00001")  # differing groups first
    assert page.row("hedging", cells=3) == ["hedging", first.hedging, second.hedging]
    assert page.row("speaker", cells=3) == ["speaker", first.speaker, second.speaker]
    assert page.classes["differs"] == 3  # the group box and its speaker and hedging rows
    assert "hedge raised: low vs medium" in page.text and "The outlets agree." in page.text


def test_misaligned_gold_is_reported(labelled, tmp_path):
    gold = read_documents(GOLD)
    gold[0].sentences.pop()
    gold.append(Document("unlabelled-doc", [Sentence("A sentence.", False, AUTHOR, stance="assertion", hedging="none")]))
    gold_path = tmp_path / "gold.jsonl"
    write_documents(gold, gold_path)
    out = tmp_path / "report.html"
    assert main(["report", str(labelled), "-o", str(out), "--gold", str(gold_path)]) == 0
    text = Page(out.read_text()).text
    assert "Alignment problems" in text
    assert f"{gold[0].doc_id}: 24 gold sentences but 25 predicted" in text
    assert "unlabelled-doc: no prediction for this document" in text


@pytest.mark.parametrize(
    ("content", "flag", "expected"),
    [
        (None, None, "missing.jsonl: no such file"),
        ('{"doc_id": "a", "sentences": []}\n{broken\n', None, "bad.jsonl:2: not valid JSON"),
        ("{broken\n", "--gold", "bad.jsonl:1: not valid JSON"),
        ('{"claim_id": "c1", "members": "x"}\n', "--claims", "bad.jsonl:1: 'members' must be a list"),
        ('{"claim_id": "c1", "members": [], "differences": [{"field": "tone"}]}\n', "--claims", "bad.jsonl:1: 'differences'"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(labelled, tmp_path, caplog, content, flag, expected):
    bad = tmp_path / ("missing.jsonl" if content is None else "bad.jsonl")
    if content is not None:
        bad.write_text(content)
    args = [str(labelled), flag, str(bad)] if flag else [str(bad)]
    assert main(["report", *args, "-o", str(tmp_path / "r.html")]) == 2
    assert next(r.message for r in caplog.records if r.levelname == "ERROR").startswith(str(tmp_path / expected))
    assert not (tmp_path / "r.html").exists()


def test_output_folder_or_empty_run_is_refused(labelled, tmp_path, caplog):
    assert main(["report", str(labelled), "-o", str(tmp_path)]) == 2
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert main(["report", str(empty), "-o", str(tmp_path / "r.html")]) == 2
    messages = [r.message for r in caplog.records if r.levelname == "ERROR"]
    assert "is a folder" in messages[0] and "empty.jsonl: no documents" in messages[1]
