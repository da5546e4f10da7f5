"""Builders of the Serbia arms-pressure dataset package: seeds in, validated Frictionless package out.

The pipeline, one folder or module per stage, imports flowing downwards only: the one list of
layers is import-linter's contract in pyproject.toml; ARCHITECTURE.md draws the flow.
"""


def __getattr__(name: str):
    if name == "__version__":  # read on demand: importing a stage does not import the schema
        from .schema.dataset import dataset_version

        return dataset_version()
    raise AttributeError(name)
