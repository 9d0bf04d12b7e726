"""The commands, the tender PDF and the API description in French (issue 23: "not one word
of French outside French documents"): the language from the environment as gettext reads
it, figures with French separators, and still 80 columns without a cut figure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from frugalkit.i18n import from_environment


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRUGALKIT_LANG", "")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)


def test_the_language_of_a_command_follows_gettext_s_variables() -> None:
    assert from_environment({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert from_environment({"LC_ALL": "C", "LANGUAGE": "fr"}) == "en"  # C locale: no LANGUAGE
    assert from_environment({"FRUGALKIT_LANG": "en", "LANG": "fr_FR.UTF-8"}) == "en"
    assert from_environment({"LANG": "de_DE.UTF-8"}) == "en"


def test_a_board_and_a_report_read_in_french_in_80_columns(  # type: ignore[no-untyped-def]
    cli, french, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained = cli("--json", "bench", "train-baseline", "text", "--only", "majority")
    assert trained.exit_code == 0, trained.stderr
    model = json.loads(trained.stdout)[0]["path"]
    monkeypatch.setenv("COLUMNS", "80")
    run = cli("bench", "run", "--task", "text", "--submission", model, "--repeats", "1")
    assert run.exit_code == 0, run.stderr
    assert "justesse" in run.stdout and "pour 1 000" in run.stdout  # "1 000" kept on one line
    board = cli("bench", "leaderboard", "--task", "text")
    assert board.exit_code == 0, board.stderr
    assert "soumission" in board.stdout and "énergie/1k" in board.stdout
    assert re.search(r"0,\d{3}", board.stdout)  # a French decimal comma
    assert all(len(line) <= 80 for line in board.stdout.splitlines())
    listed = cli("reports", "list")
    assert "énergie" in listed.stdout and "début (UTC)" in listed.stdout
    assert all(len(line) <= 80 for line in listed.stdout.splitlines())
    # no figure parted from its unit at the edge: a line never starts with a unit
    assert not re.search(r"^\s*[µm]?(Wh|gCO2e)\b", listed.stdout, re.M)
    report_id = json.loads(cli("--json", "reports", "list").stdout)[0]["id"]
    shown = cli("reports", "show", report_id)
    assert "gaz à effet de serre" in shown.stdout and "fourchette" in shown.stdout


def test_an_error_is_written_in_french_with_its_detail(cli, french) -> None:  # type: ignore[no-untyped-def]
    result = cli("reports", "show", "no-such-report")
    assert result.exit_code != 0 and result.stderr.startswith("erreur :")


def test_the_tender_pdf_is_in_french(cli, french, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    out = tmp_path / "offres.pdf"
    assert cli("datacenter", "compare", "--demo", "--pdf", str(out)).exit_code == 0
    document = pdfium.PdfDocument(out)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "Comparaison des offres" in text and "Critère" in text and "conforme" in text
    assert "87 %" in text.replace("\xa0", " ")  # a share against a share, not "0.87 >= 1"
