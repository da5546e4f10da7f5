"""Inputs: the seeds (articles, curation files, reference files), read once, hashed once, checked."""
