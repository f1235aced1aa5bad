"""A researcher's kernel is theirs: ``nb.setup()`` and saving a figure replace no function or method
of matplotlib, pandas or IPython, set no environment variable, leave the backend the user chose and
the saved figure open, and keep the project's look (its theme, dpi and fixed title height) out of the
user's own figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

PROBE = r'''
import importlib, inspect, json, os, pkgutil, sys, tempfile

def modules():
    import IPython, matplotlib, pandas
    found = {}
    skip = (".tests", ".testing", "sphinxext", "conftest", "pylab", "_qt", "tk", "gtk", "wx", "macosx", "webagg",
            "nbagg", "qt", "cairo", "kernel.zmq", "terminal", "pyplot_stub")

    def walk(path, prefix):
        for info in pkgutil.iter_modules(path, prefix):
            if any(part in info.name for part in skip):
                continue
            try:
                module = found[info.name] = importlib.import_module(info.name)
            except Exception:
                continue
            if info.ispkg:
                walk(module.__path__, info.name + ".")

    for package in (matplotlib, pandas, IPython):
        walk(package.__path__, package.__name__ + ".")
        found[package.__name__] = package
    return found

def census(mods):
    seen = {}
    for name, mod in mods.items():
        for attr, obj in list(vars(mod).items()):
            if inspect.isroutine(obj) or hasattr(obj, "__wrapped__"):
                seen[f"{name}.{attr}"] = obj
            elif inspect.isclass(obj) and obj.__module__ == name:
                for m, f in list(vars(obj).items()):
                    if inspect.isroutine(f) or isinstance(f, (staticmethod, classmethod, property)):
                        seen[f"{name}.{attr}.{m}"] = f
    return seen

import matplotlib
matplotlib.use("agg")  # the user's choice
mods = modules()
before = census(mods)
env_before = dict(os.environ)  # (before pandera, which the ingest uses: it sets two variables when imported)
import decimal
import pandas as pd
import matplotlib.pyplot as plt
from mfgghg import nb
from mfgghg.plots.style import save_figure
from mfgghg.analysis import status
paths = nb.setup(2021)
from mfgghg.data.ingest import ingest
ingest(paths)  # the researcher's ingest
fig, ax = plt.subplots()
ax.set_title("減碳量")
ax.plot([1, 2], [3, 4])
out = tempfile.mkdtemp()
save_figure(fig, "probe", out, pd.DataFrame({"x": [1]}))
after = census(mods)
mine, mine_ax = plt.subplots()
# (see title_y_over_top_tick_labels below)
mine_ax.set_title("mine")
mine_ax.xaxis.tick_top()
mine.canvas.draw()
print(json.dumps({
    "replaced": sorted(k for k in before if k in after and after[k] is not before[k]),
    "env_changed": sorted(k for k in set(env_before) | set(os.environ) if env_before.get(k) != os.environ.get(k)),
    "backend": matplotlib.get_backend(),
    "figure_open": plt.fignum_exists(fig.number),
    "files": sorted(os.listdir(out)),
    "titley": matplotlib.rcParams["axes.titley"],
    "users_title_y": float(mine_ax.title.get_position()[1]),
    "users_size": list(mine.canvas.get_width_height()),
    # (matplotlib.use above is the user's: it sets the backend keys)
    "changed_rc": sorted(k for k, v in matplotlib.rcParams.items()
                         if k not in ("backend", "backend_fallback") and v != matplotlib.rcParamsDefault[k]),
    "sans_serif_first": matplotlib.rcParams["font.sans-serif"][0],
    # (the verdicts round with decimal: in a context of their own)
    "decimal_flags": sorted(k.__name__ for k, v in decimal.getcontext().flags.items() if v),
    # (the runner's kept raw tables, mfgghg.runner.fast.validated, are never in a researcher's kernel)
    "read_resource": os.path.basename(sys.modules["mfgghg.data.package"].read_resource.__code__.co_filename),
    "runner_loaded": sorted(m for m in sys.modules if m.startswith("mfgghg.runner")),
}))
'''


def test_setup_and_saving_leave_the_kernel_as_installed(tmp_path):
    # even with the batch switch on: only the runner installs speed-ups (TMPDIR: the probe's folder is removed)
    env = dict(os.environ, MFGGHG_FAST="1", TMPDIR=str(tmp_path))
    for key in ("MPLBACKEND", "SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE"):  # (as a fresh kernel starts)
        env.pop(key, None)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["replaced"] == [], found["replaced"][:10]
    assert found["env_changed"] == []
    assert found["backend"] == "agg"
    assert found["figure_open"] is True
    assert found["files"] == ["probe.csv", "probe.meta.json", "probe.png", "probe.svg"]
    assert found["titley"] is None and found["users_title_y"] > 1  # placed by matplotlib, over the tick labels
    # the project's look stays in the project's figures: what the researcher's own figures get is
    # the CJK font (first of their sans-serif fonts) and the ASCII minus sign, nothing else
    assert found["changed_rc"] == ["axes.unicode_minus", "font.sans-serif"]
    assert found["sans_serif_first"] == "Noto Sans CJK TC"
    assert found["decimal_flags"] == []
    assert found["users_size"] == [640, 480]
    assert found["read_resource"] == "package.py" and found["runner_loaded"] == []


def test_the_users_font_family_is_kept_and_chinese_still_shows():
    """A researcher who chose a serif font keeps it: the CJK font comes after it, for the glyphs it lacks."""
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt

    from mfgghg.plots.style import CJK_FAMILY, use_cjk_font

    with matplotlib.rc_context({"font.family": ["serif"]}):
        use_cjk_font()
        assert list(matplotlib.rcParams["font.family"]) == ["serif", CJK_FAMILY]
        fig, ax = plt.subplots()
        ax.set_title("減碳量 reduction")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # (a glyph missing from the fonts warns)
            fig.canvas.draw()
        plt.close(fig)
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        use_cjk_font()
        assert list(matplotlib.rcParams["font.family"]) == ["sans-serif"]


def title_y_over_top_tick_labels(ax) -> float:
    """The height of ``ax``'s title (axes coordinates) once drawn with the x tick labels on top. Where
    ``rcParams["axes.titley"]`` was None when the axes was made, matplotlib places the title itself:
    a draw lifts it above those tick labels (above 1). A fixed title height is kept (the project's 1),
    the labels under the title."""
    ax.set_title("title")
    ax.xaxis.tick_top()
    ax.figure.canvas.draw()
    return float(ax.title.get_position()[1])


def test_the_projects_own_figures_keep_a_fixed_title_height():
    import matplotlib
    import matplotlib.pyplot as plt

    from mfgghg.plots.style import figure_style, project_rc

    @figure_style
    def ours():
        return plt.subplots()[1]

    try:
        assert title_y_over_top_tick_labels(ours()) == project_rc()["axes.titley"] == 1
        users = title_y_over_top_tick_labels(plt.subplots()[1])
        if matplotlib.rcParams["axes.titley"] is None:
            assert users > 1
        else:
            assert users == matplotlib.rcParams["axes.titley"]
    finally:
        plt.close("all")


def test_translations_are_read_again_when_their_file_changes(data_copy):
    import pytest

    from mfgghg.i18n import MissingTranslation, _, set_lang

    reference = data_copy / "reference"
    set_lang("en", reference)
    try:
        with pytest.raises(MissingTranslation):
            _("測試用詞")
        # (the cache is keyed by the file's mtime and size: the appended row changes the size)
        with open(reference / "translations.csv", "a", encoding="utf-8") as fh:
            fh.write("測試用詞,test term,label,added by a test\n")
        assert _("測試用詞") == "test term"
    finally:
        set_lang("zh-TW")
