"""PNG files written from Agg's pixels (mfgghg.runner.fast.pngfile) hold exactly those pixels."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from mfgghg.runner.fast.pngfile import BACKEND, filter_rows_rgb, filter_rows_rgba, png_bytes


def pixels(seed: int, opaque: bool) -> np.ndarray:
    rgba = np.random.default_rng(seed).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    if opaque:
        rgba[..., 3] = 255
    return rgba


@pytest.mark.parametrize("opaque, mode", [(True, "RGB"), (False, "RGBA")])
def test_png_bytes_decode_to_the_same_pixels(opaque, mode):
    rgba = pixels(1, opaque)
    data = png_bytes(rgba, dpi=150, text={"Title": "t", "Software": None})
    image = Image.open(io.BytesIO(data))
    assert image.mode == mode and image.size == (5, 7)
    assert np.array_equal(np.asarray(image.convert("RGBA")), rgba)
    assert round(image.info["dpi"][0]) == 150 and image.info["Title"] == "t" and "Software" not in image.info
    assert png_bytes(rgba, dpi=150, text={"Title": "t"}) == data  # nothing varies between runs


def test_rgb_rows_are_the_bytewise_copy_of_each_pixels_colour():
    """Word-wise copy with overlapping writes (filter_rows_rgb) against numpy's byte-wise copy, on
    random pixels, a view that is not contiguous, and one pixel."""
    big = np.random.default_rng(2).integers(0, 256, size=(40, 61, 4), dtype=np.uint8)
    for rgba in (big, big[3:30:2, 5:44], big[:1, :1]):
        height, width, _ = rgba.shape
        expected = np.zeros((height, 1 + 3 * width), np.uint8)
        expected[:, 1:] = rgba[..., :3].reshape(height, 3 * width)
        assert np.array_equal(filter_rows_rgb(rgba), expected)
        expected = np.zeros((height, 1 + 4 * width), np.uint8)
        expected[:, 1:] = rgba.reshape(height, 4 * width)
        assert np.array_equal(filter_rows_rgba(rgba), expected)


def test_png_bytes_refuse_anything_but_rgba_bytes():
    with pytest.raises(ValueError, match="RGBA uint8"):
        png_bytes(np.zeros((3, 3, 3), np.uint8))
    with pytest.raises(ValueError, match="RGBA uint8"):
        png_bytes(np.zeros((3, 3, 4), np.float32))


def test_a_figure_saved_through_the_backend_has_pillows_pixels_and_dpi(tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2), dpi=100)
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("tick")
    fig.savefig(tmp_path / "ours.png", backend=BACKEND, metadata={"Software": None})
    fig.savefig(tmp_path / "pillow.png", metadata={"Software": None})
    transparent = tmp_path / "transparent.png"
    fig.savefig(transparent, backend=BACKEND, transparent=True)
    with_options = tmp_path / "options.png"
    fig.savefig(with_options, backend=BACKEND, pil_kwargs={"compress_level": 9})  # Pillow's options: Pillow writes it
    plt.close(fig)
    ours, pillow = Image.open(tmp_path / "ours.png"), Image.open(tmp_path / "pillow.png")
    assert ours.mode == "RGB" and pillow.mode == "RGBA" and ours.info["dpi"] == pillow.info["dpi"]
    assert ours.convert("RGBA").tobytes() == pillow.convert("RGBA").tobytes()
    assert Image.open(transparent).mode == "RGBA"
    assert Image.open(with_options).mode == "RGBA" and Image.open(with_options).info.get("Software")
