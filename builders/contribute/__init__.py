"""What a contributor or curator runs on their own machine: `add` (an article from a web page) and
`review` (curation in the browser). Never part of a build."""
