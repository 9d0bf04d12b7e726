"""Ingestion: every passage knows its page, section, statement, table or figure; bad files
are refused in one line; a document that fails leaves the index as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from frugalkit.errors import InputError
from frugalkit.library import pdf, service
from frugalkit.library.index import Index
from frugalkit.library.passages import cut, qualifiers_in
from frugalkit.library.pdf import read_pdf
from frugalkit.settings import Settings
from tests.library.conftest import ADDER, demo_copy, references_at_the_end

DEMO = service.DEMO_DIR / "demo-report-en.pdf"


def test_passages_keep_section_pages_statement_table_figure_and_qualifiers() -> None:
    passages = {p.paragraph_id or p.table_id or p.figure_id: p for p in cut(read_pdf(DEMO))}
    a12 = passages["A.1.2"]
    assert (a12.pdf_page, a12.printed_page) == (2, "1")  # a cover page comes first
    assert a12.section == "A. Electricity use of data centres"
    assert a12.qualifiers == ["high confidence"] and "Table SPM.1" in a12.references
    table = passages["Table SPM.1"]
    assert table.caption.startswith("Table SPM.1: Key figures") and "1.35" in table.text
    figure = passages["Figure SPM.1"]
    assert figure.figure_id == "Figure SPM.1" and figure.pdf_page == 2
    assert passages["B.2.1"].qualifiers == ["very likely"]


def test_a_captioned_table_gets_its_cells_row_by_row(settings: Settings, library: Index) -> None:
    pytest.importorskip("pdfplumber")
    [text] = [
        r[0] for r in library.db.execute("SELECT text FROM passages WHERE table_id = 'Table SPM.1'")
    ]
    assert "Average PUE | 1.45 | 1.35" in text.splitlines()


def test_french_calibrated_language_is_kept_verbatim() -> None:
    text = "Il est très probable (degré de confiance élevé) et non improbable."
    assert qualifiers_in(text) == ["très probable", "degré de confiance élevé", "improbable"]


def test_the_ipcc_report_pages_without_text_and_printed_pages(ipcc: Path) -> None:
    document = read_pdf(ipcc)
    assert [p.number for p in document.pages if not p.has_text] == [
        1, 2, 3, 4, 5, 6, 7, 14, 18, 22, 23, 29, 33, 40,
    ]  # fmt: skip
    assert document.pages[14].printed == "11"  # PDF page 15 is printed page 11
    assert document.body_size_pt == 9.0  # the text matrix applied: raw sizes are all 1.0
    ids = {p.paragraph_id for p in cut(document)}
    assert {"A.1", "A.4", "A.4.1", "B.1", "D.1"} <= ids


def test_adding_twice_adds_once(settings: Settings, library: Index) -> None:
    before = len(library.documents())
    _, added = service.add_file(settings, library, DEMO)
    assert not added and len(library.documents()) == before == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"hello, not a pdf", "is not a PDF file"),
        (DEMO.read_bytes()[:1500], "cannot be read as a PDF"),
    ],
)
def test_a_file_that_is_not_a_whole_pdf_is_refused(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    result = cli("library", "add", str(path))
    assert result.exit_code == 2 and reason in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_an_encrypted_pdf_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fpdf = pytest.importorskip("fpdf")
    document = fpdf.FPDF()
    document.add_page()
    document.set_font("Helvetica")
    document.cell(0, 10, "secret")
    document.set_encryption(owner_password="owner", user_password="user")
    path = tmp_path / "locked.pdf"
    document.output(str(path))
    result = cli("library", "add", str(path))
    assert result.exit_code == 2 and "is encrypted" in result.stderr


def test_a_pdf_over_the_size_limit_is_refused_before_reading(  # type: ignore[no-untyped-def]
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "MAX_PDF_BYTES", 1000)
    result = cli("library", "add", str(DEMO))
    assert result.exit_code == 2 and "the limit is" in result.stderr


def test_an_unreachable_url_is_one_line(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.net import free_port

    monkeypatch.setenv("FRUGALKIT_REMOTE_ALLOW", "127.0.0.1")
    result = cli("library", "add", f"http://127.0.0.1:{free_port()}/report.pdf")
    assert result.exit_code == 2 and "cannot download" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/report.pdf",
        "http://localhost/report.pdf",
        "http://[::1]/x.pdf",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/report.pdf",
    ],
)
def test_a_url_on_this_machine_or_its_network_is_refused(cli, url: str) -> None:  # type: ignore[no-untyped-def]
    """`library add URL` reached the web app on loopback (issue 21)."""
    result = cli("library", "add", url)
    assert result.exit_code == 2 and "non-public address" in result.stderr


def test_a_document_that_fails_half_way_leaves_the_index_as_it_was(
    settings: Settings, library: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (library.documents(), sorted(p.name for p in library.files.iterdir()))
    count = library.db.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
    real_cut = cut

    def broken(document):  # type: ignore[no-untyped-def]
        passages = real_cut(document)
        passages[5].printed_page = None  # type: ignore[assignment]  # fails on insert, mid-document
        return passages

    monkeypatch.setattr(service, "cut", broken)
    other = tmp_path / "other.pdf"
    shutil.copyfile(service.DEMO_DIR / "demo-report-fr.pdf", other)
    with other.open("ab") as file:
        file.write(b"\n%% another copy\n")  # another file, so not 'already indexed'
    with pytest.raises(Exception, match="NOT NULL"):
        service.add_file(settings, library, other)
    assert (library.documents(), sorted(p.name for p in library.files.iterdir())) == before
    assert library.db.execute("SELECT count(*) FROM passages_fts").fetchone()[0] == count


def test_remove_takes_the_document_its_passages_and_its_copy(cli, library: Index) -> None:  # type: ignore[no-untyped-def]
    document = library.documents()[0]
    assert cli("library", "remove", document["id"][:10]).exit_code == 0
    assert document["id"] not in [d["id"] for d in library.documents()]
    assert not (library.files / document["file"]).exists()
    left = library.db.execute(
        "SELECT count(*) FROM passages WHERE document_id = ?", (document["id"],)
    ).fetchone()[0]
    assert left == 0
    with pytest.raises(InputError):
        service.ask(Settings.from_env(), library, "")


def test_an_html_report_keeps_statement_ids_and_never_its_scripts(
    settings: Settings, library: Index
) -> None:
    page = Path(__file__).parent / "web_edition.html"
    document, added = service.add_file(
        settings, library, page, url="https://example.org/spm.html", body="IPCC"
    )
    assert added and document["title"].startswith("Climate Change 2021")
    answer = service.ask(settings, library, "Is human influence warming the atmosphere and ocean?")
    card = answer["sources"][0]
    assert card["paragraph_id"] == "A.1" and card["link"] == "https://example.org/spm.html#A.1"
    texts = [
        r[0]
        for r in library.db.execute(
            "SELECT text FROM passages WHERE document_id = ?", (document["id"],)
        )
    ]
    assert not any("Injected" in t or "__xss" in t or "Menu" in t for t in texts)
    assert "Hot extremes virtually certain" in texts


def test_two_processes_adding_at_once_both_land(settings: Settings, tmp_path: Path) -> None:
    import subprocess
    import sys

    files = [demo_copy(tmp_path, name, "en") for name in ("one", "two", "three")]
    procs = [subprocess.Popen([sys.executable, "-c", ADDER, str(f)]) for f in files]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    index = service.open_index(settings)
    assert len(index.documents()) == 3
    count = index.db.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
    assert count == 3 * 17
    index.close()


def test_a_tiny_pdf_that_draws_too_many_characters_is_refused(tmp_path: Path) -> None:
    """A 1.2 KB PDF drawing 152,000 characters took 39 s (issue 21): refused, quickly."""
    import time

    fpdf = pytest.importorskip("fpdf")
    document = fpdf.FPDF()
    document.add_page()
    document.set_font("Helvetica", size=1)
    document.multi_cell(0, 0.4, "x" * (pdf.MAX_CHARS_PER_PAGE + 10_000))
    path = tmp_path / "dense.pdf"
    document.output(str(path))
    started = time.monotonic()
    with pytest.raises(InputError, match=r"page 1 draws [\d,]+ characters, over 50,000"):
        pdf.read_pdf(path)
    assert time.monotonic() - started < 15


def test_a_pdf_that_inflates_past_the_readers_memory_is_refused(tmp_path: Path) -> None:
    """One deflated stream of 64 MiB, drawn 48 times by the page (3 GiB once inflated),
    in a file of under 100 KB: the reader's process runs out of its own heap and the file
    is refused, while this process is untouched."""
    import zlib

    stream = zlib.compress(b"0" * (64 << 20), 9)
    contents = b" ".join([b"4 0 R"] * 48)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [%s] >>" % contents,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    path = tmp_path / "bomb.pdf"
    path.write_bytes(body)
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match=r"needs more than 2 GiB|within 2 GiB of memory"):
        pdf.read_pdf(path)


def test_indexing_says_how_far_it_is_within_a_document(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23: one long report held the bar at 0 % for a minute; each batch of passages
    embedded now moves it."""
    monkeypatch.setattr(service, "EMBED_BATCH", 4)
    heard: list[tuple[str, int, int]] = []
    with service.open_index(settings) as index:
        document, added = service.add_file(
            settings, index, DEMO, lambda what, done, total: heard.append((what, done, total))
        )
    assert added and heard[0] == ("reading", 0, 1)
    embedded = [done for what, done, total in heard if what == "embedding"]
    if service.dense_model() is None:
        pytest.skip("no embedding model here: only the reading step is reported")
    assert len(embedded) >= 3 and embedded == sorted(embedded)
    assert embedded[-1] == document["passages"]


def test_a_reference_list_is_searched_by_words_but_never_embedded_nor_quoted(
    settings: Settings, library: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references_at_the_end(monkeypatch)
    document, _ = service.add_file(settings, library, demo_copy(tmp_path, "with-references", "en"))
    rows = library.db.execute(
        "SELECT section, embedding IS NULL FROM passages WHERE document_id = ?", (document["id"],)
    ).fetchall()
    assert [bool(r[1]) for r in rows] == [r[0] == "References" for r in rows]
    assert sum(r[0] == "References" for r in rows) == 3
    last = library.db.execute(
        "SELECT text FROM passages WHERE document_id = ? AND section = 'References' LIMIT 1",
        (document["id"],),
    ).fetchone()[0]
    answer = service.ask(settings, library, last[:200])
    assert all(s["section"] != "References" for s in answer["sources"])
