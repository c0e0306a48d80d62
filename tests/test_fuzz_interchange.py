"""Any bytes into the REFI-QDA and codings-CSV importers: a result or a KodebogError."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kodebog.errors import KodebogError
from kodebog.exchange.codings_csv import read_codings_csv
from kodebog.exchange.refi import import_qdpx, qdc_to_codebook_yaml

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

XMLISH = st.text(alphabet=st.sampled_from(list('<>/="? abcPQSTCodeUserGUIDnamæø\n')),
                 max_size=300)


def _attempt(action: Callable[[], object], folder: Path, given: str, made: str) -> None:
    """Run an importer on ``given``; a refusal must leave nothing but ``given`` behind."""
    try:
        action()
    except KodebogError as error:
        assert "\n" not in str(error)
        left = sorted(p.name for p in folder.iterdir())
        assert left == [given], f"a refused {given} left {left} (no {made} expected)"
        return
    assert (folder / made).exists()


@FUZZ
@given(st.binary(max_size=2000))
def test_qdpx_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.qdpx"
        path.write_bytes(data)
        _attempt(lambda: import_qdpx(path, Path(tmp) / "p.kodebog"), Path(tmp), "x.qdpx",
                 "p.kodebog")


@FUZZ
@given(XMLISH, st.binary(max_size=200))
def test_qdpx_with_arbitrary_project_xml(xml: str, source: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", '<?xml version="1.0" encoding="utf-8"?>' + xml)
        archive.writestr("sources/a.txt", source)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.qdpx"
        path.write_bytes(buffer.getvalue())
        _attempt(lambda: import_qdpx(path, Path(tmp) / "p.kodebog"), Path(tmp), "x.qdpx",
                 "p.kodebog")


@FUZZ
@given(st.one_of(st.binary(max_size=1000), XMLISH.map(str.encode)))
def test_qdc_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.qdc"
        path.write_bytes(data)
        _attempt(lambda: qdc_to_codebook_yaml(path, Path(tmp) / "out.yaml"), Path(tmp),
                 "x.qdc", "out.yaml")


@FUZZ
@given(st.binary(max_size=1000))
def test_codings_csv_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.csv"
        path.write_bytes(data)
        try:
            read_codings_csv(path)
        except KodebogError as error:
            assert "\n" not in str(error)
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["c.csv"]
