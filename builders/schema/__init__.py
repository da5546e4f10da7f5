"""The one schema truth: pydantic row models, their columns and codecs, every format generated from
them (Table Schema, Arrow, SQL, data dictionary), the published layout and the dataset's metadata
(with the language layer it records, `language_layer.py`), and how names are compared (`folding.py`,
for the rules and the SQLite export alike)."""
