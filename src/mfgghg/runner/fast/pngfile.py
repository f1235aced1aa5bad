"""PNG files written from Agg's pixels without Pillow's adaptive row filtering.

matplotlib hands its pixels to Pillow, which tries all five PNG row filters on every row and keeps
the one that looks most compressible. For these flat-coloured charts that search is most of the
cost of a PNG (measured on the 2021 set: about 1 s of CPU for the 15 files, against 0.3 s here), and
it does not pay: the rows compress *better* left unfiltered (the 2021 set is about a tenth smaller than
Pillow's at its default level).
So each row is written unfiltered and deflated at zlib level 3, as RGB when every pixel is opaque
(the figures' white background; RGBA otherwise). The pixels are exactly Agg's, the dpi is recorded
(``pHYs``, as Pillow writes it), the metadata given become ``tEXt`` chunks, and nothing varies from
run to run. Used as a matplotlib backend for one file:
``fig.savefig(path, backend=BACKEND)`` (what :func:`mfgghg.plots.style.save_figure` does).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg

from mfgghg.plots.style import PNG_ZLIB_LEVEL  # (Pillow writes a researcher's PNG at it too)

BACKEND = f"module://{__name__}"
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_bytes(rgba: np.ndarray, dpi: float | None = None, text: dict | None = None,
              level: int = PNG_ZLIB_LEVEL) -> bytes:
    """A PNG file of an (height, width, 4) uint8 RGBA array."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"expected an RGBA uint8 image, not {rgba.dtype} {rgba.shape}")
    height, width, _ = rgba.shape
    opaque = bool(rgba[..., 3].min() == 255)
    rows = filter_rows_rgb(rgba) if opaque else filter_rows_rgba(rgba)
    chunks = [(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0))]
    if dpi:
        per_metre = int(dpi / 0.0254 + 0.5)
        chunks.append((b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    for key, value in (text or {}).items():
        if value is not None:
            chunks.append((b"tEXt", key.encode("latin-1") + b"\0" + str(value).encode("latin-1")))
    chunks += [(b"IDAT", zlib.compress(rows, level)), (b"IEND", b"")]
    out = [SIGNATURE]
    for tag, data in chunks:
        out += [struct.pack(">I", len(data)), tag, data, struct.pack(">I", zlib.crc32(data, zlib.crc32(tag)))]
    return b"".join(out)


def filter_rows_rgba(rgba: np.ndarray) -> np.ndarray:
    """The PNG scanlines of an RGBA image: each row preceded by its filter type, 0 (None)."""
    height, width, _ = rgba.shape
    rows = np.empty((height, 1 + 4 * width), np.uint8)
    rows[:, 0] = 0
    rows[:, 1:] = rgba.reshape(height, 4 * width)
    return rows


def filter_rows_rgb(rgba: np.ndarray) -> np.ndarray:
    """The PNG scanlines of an opaque RGBA image as RGB: each row preceded by its filter type, 0.

    numpy copies three of every four bytes one byte at a time (~30 ms for a large figure). Here each
    pixel is copied whole, as one 4-byte word, to 3-byte steps of the output: the word of the next
    pixel then overwrites the alpha byte the previous one left (numpy copies along a row in order),
    and the last pixel's alpha lands on the next row's filter byte, set after. A tenth of the time,
    the same bytes (``test_pngfile`` compares them with the byte-wise copy)."""
    height, width, _ = rgba.shape
    row = 1 + 3 * width
    buffer = np.empty(height * row + 1, np.uint8)  # +1: the last pixel's alpha byte
    words = np.ndarray((height, width), dtype=np.uint32, buffer=buffer, offset=1, strides=(row, 3))
    words[...] = np.ascontiguousarray(rgba).view(np.uint32)[..., 0]
    rows = buffer[:-1].reshape(height, row)
    rows[:, 0] = 0
    return rows


class FigureCanvas(FigureCanvasAgg):
    """Agg, with PNG files written by :func:`png_bytes` (anything else as Agg does it). Only the
    metadata given are written: matplotlib's default ``Software`` entry is not added."""

    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **_handled_by_savefig):
        # (savefig passes a backend outside matplotlib its dpi, colours and bbox too; it has applied
        # them to the figure already, as Agg's own print_png assumes)
        if pil_kwargs:  # options for Pillow: let Pillow write the file
            return super().print_png(filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
        FigureCanvasAgg.draw(self)
        data = png_bytes(np.asarray(self.buffer_rgba()), self.figure.dpi, metadata)
        with cbook.open_file_cm(filename_or_obj, "wb") as fh:
            fh.write(data)
