"""Builders of the Serbia arms-pressure dataset package: seeds in, validated Frictionless package out."""

__version__ = "0.1.0"
