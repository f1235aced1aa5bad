"""Data, checks and figures for the yearly execution report of Taiwan's
manufacturing-sector GHG emission control action plan.

Notebooks in ``notebooks/`` are thin consumers of this package: loading,
validation, unit conversion, reconciliation and figure output live here.
"""

__version__ = "0.1.0"

KERNEL_NAME = "mfgghg"
