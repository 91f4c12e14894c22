"""I/O boundary: read the text of a scanned page with Tesseract.

Tesseract is driven through tesserocr, which calls the Tesseract library inside this
process: the sandboxed reader child keeps its memory and CPU limits over OCR too, writes no
temporary files (the child may not write any) and pays no per-page process start. The
library ships inside the tesserocr wheel; the trained language data comes from Debian's
`tesseract-ocr-eng` package. Without that data, OCR is unavailable and reading goes on
without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium

if TYPE_CHECKING:
    import tesserocr

INSTALL_HINT = "install Debian's tesseract-ocr and tesseract-ocr-eng packages"
_LANGUAGE = "eng"
# 216 dpi: Tesseract reads best near 300 dpi, and letterhead-size print (firm names) was
# misread at 180 dpi; a page still takes under 2 s of processor time.
_RENDER_SCALE = 3.0
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


def tessdata_dir() -> str | None:
    """The folder holding Tesseract's English data, or None when OCR is unavailable."""
    configured = os.environ.get("TESSDATA_PREFIX")
    candidates = ([configured] if configured else []) + list(_TESSDATA_DIRS)
    for folder in candidates:
        if (Path(folder) / f"{_LANGUAGE}.traineddata").is_file():
            return folder
    return None


@contextmanager
def page_reader() -> Iterator[PageReader | None]:
    """Yield a reader for scanned pages, or None when Tesseract's data is not installed."""
    folder = tessdata_dir()
    if folder is None:
        yield None
        return
    # Documents are read by one child per core already; OCR threads would only compete.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # Imported lazily: loading Tesseract takes ~25 ms, which only a document with scanned
    # pages needs (the forkserver preloads it for the server's readers).
    import tesserocr

    try:
        api = tesserocr.PyTessBaseAPI(path=folder + os.sep, lang=_LANGUAGE)
    except RuntimeError:
        yield None
        return
    try:
        yield PageReader(api)
    finally:
        api.End()


class PageReader:
    """Renders a PDF page and reads its text with one Tesseract instance."""

    def __init__(self, api: tesserocr.PyTessBaseAPI) -> None:
        self._api = api

    def read(self, page: pdfium.PdfPage) -> str:
        """Return the text Tesseract reads on the rendered page."""
        bitmap = page.render(scale=_RENDER_SCALE, grayscale=True)
        try:
            self._api.SetImage(bitmap.to_pil())
            return str(self._api.GetUTF8Text())
        finally:
            bitmap.close()
