"""Data in: the only code that reads ``data/raw``, ``data/reference`` and ``data/external``.

Contract: every raw file is read through its folder's ``datapackage.json`` (types, units,
constraints; a bad cell is a one-line :class:`mfgghg.errors.DataError` naming file, row and
column). :func:`mfgghg.data.ingest.ingest` turns a report year into the processed tables (base
units: ``_t_co2e``, ``_twd``, ``_mt_co2e``), and :func:`mfgghg.data.ingest.write_tables` publishes
them all or nothing with their own ``datapackage.json``; the analysis notebooks read only those
(:func:`mfgghg.data.ingest.load_processed`). ``extract`` drafts a new year's raw folder from a report.
"""
