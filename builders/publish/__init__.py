"""Publishing: tables -> the package files (`package`), the card and pictures (`card`), the
release files in dist/ (`exports`), and the atomic swap that puts a new package in place (`swap`)."""
