"""The files README.md's commands name, made as a user would have them: submissions of
every kind, a report file, figures, case studies, facilities with their readings, a PDF
and a folder of web pages for the library, a training script."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import joblib

from frugalkit.bench import get_task
from frugalkit.bench.data import load_task_data
from tests.factories import report_dict
from tests.observatory.conftest import row
from tests.observatory.test_catalogue import ENTRY

TEXT = get_task("text")
DEMO_FACILITIES = Path(__file__).parents[2] / "src/frugalkit/datacenter/data/demo"
WEB_EDITION = Path(__file__).parents[1] / "library/web_edition.html"
PREDICT = (
    "def predict(quotes):\n"
    "    return ['7_fossil_fuels_needed' if 'coal' in q else '0_not_relevant' for q in quotes]\n"
)
TRAIN = """from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

digits = load_digits()
LogisticRegression(max_iter=300).fit(digits.data / 16.0, digits.target)
print("trained")
"""


def _pipeline() -> object:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    data = load_task_data(TEXT)
    model = Pipeline(
        [("tfidf", TfidfVectorizer(lowercase=False)), ("clf", LogisticRegression(max_iter=500))]
    )
    return model.fit(data.train.inputs, data.train.labels)


def submissions(folder: Path) -> None:
    """Python, joblib, ONNX, Parquet data and a zip bundle."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import StringTensorType

    (folder / "submissions").mkdir()
    for name in ("my_model.py", "a.py", "submissions/one.py", "submissions/two.py"):
        (folder / name).write_text(PREDICT)
    model = _pipeline()
    for name in ("pipeline.joblib", "b.joblib", "model.joblib"):
        joblib.dump(model, folder / name)
    options = {id(model.steps[1][1]): {"zipmap": False}}  # type: ignore[attr-defined]
    onnx = to_onnx(model, initial_types=[("input", StringTensorType([None, 1]))], options=options)
    for name in ("model.onnx", "c.onnx"):
        (folder / name).write_bytes(onnx.SerializeToString())
    data = load_task_data(TEXT)
    table = pa.table({"quote": data.test.inputs, "label": data.test.labels})
    pq.write_table(table, folder / "quotes.parquet")
    with zipfile.ZipFile(folder / "bundle.zip", "w") as bundle:
        bundle.writestr("submission.py", "from rules import predict\n")
        bundle.writestr("rules.py", PREDICT)


def _report_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, "Cooling and Water in Data Centres", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    for number, text in [
        ("A.1", "Free cooling covered 61 per cent of cooling hours in 2024 (high confidence)."),
        ("A.2", "Liquid cooling lowered fan energy by 18 per cent in the sites surveyed."),
    ]:
        pdf.multi_cell(0, 6, f"{number} {text}", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def everything(folder: Path) -> None:
    """All the files, in `folder`."""
    submissions(folder)
    (folder / "train.py").write_text(TRAIN)
    batch = folder / "serve_batch.sh"
    batch.write_text("#!/bin/sh\necho served a batch\n")
    batch.chmod(0o755)
    (folder / "report.json").write_text(json.dumps(report_dict("readme-posted-0001")))
    lines = [json.dumps(report_dict(f"readme-imported-{n:04d}", minutes=n)) for n in range(3)]
    (folder / "reports.jsonl").write_text("\n".join(lines) + "\n")
    with (folder / "figures.csv").open("w", encoding="utf-8") as file:
        import csv

        from frugalkit.observatory.importer import COLUMNS

        writer = csv.DictWriter(file, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row())
    (folder / "my-cases.yaml").write_text(ENTRY, encoding="utf-8")
    pairs = {"facility": "nordic-hall", "a": "nordic-hall", "b": "sunbelt-park"}
    for name, demo in pairs.items():
        shutil.copyfile(DEMO_FACILITIES / f"{demo}.yaml", folder / f"{name}.yaml")
        reading = "readings" if name == "facility" else name
        shutil.copyfile(DEMO_FACILITIES / f"{demo}.csv", folder / f"{reading}.csv")
    _report_pdf(folder / "report.pdf")
    (folder / "reports").mkdir()
    shutil.copyfile(WEB_EDITION, folder / "reports" / "spm.html")
