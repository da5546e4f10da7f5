"""Extraction: one article's raw text in, its rows out (`article.Extractor`).

Stages, in the order they run: `ingest` (raw bytes -> the `articles` row and clean text),
`entities` (actor and weapon mentions, discovered actors), `quotes` (quotations and speakers),
`events` (rule and curated events) with `dates`; `lexicon` holds every word list they read.
"""
