"""Methods of matplotlib replaced by the project's faster equivalents, on the version they copy.

Used by :mod:`mfgghg.runner.fast.textdraw` and :mod:`mfgghg.runner.fast.axisdraw`: each replacement is checked against
matplotlib's own method by comparing the bytes of the files both draw (``test_figures``).
"""

from __future__ import annotations


def replace_methods(version_prefix: str, replacements) -> bool:
    """Put each ``(class, name, function)`` in place of the class's method (kept as
    ``function.original``), only when matplotlib's version starts with ``version_prefix`` (the
    version whose methods the functions copy or rely on; matplotlib is pinned). Returns whether the
    replacements are in place."""
    import matplotlib

    if all(getattr(cls, name) is function for cls, name, function in replacements):
        return True
    if not matplotlib.__version__.startswith(version_prefix):
        return False
    for cls, name, function in replacements:
        original = getattr(cls, name)
        function.__dict__.update(original.__dict__)  # e.g. matplotlib's mark of a draw method
        function.original = original
        setattr(cls, name, function)
    return True


def restore_methods(replacements) -> None:
    """matplotlib's own methods again (for the tests that compare the two)."""
    for cls, name, function in replacements:
        if getattr(cls, name) is function:
            setattr(cls, name, function.original)

