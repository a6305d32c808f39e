"""Bulk imports of appraisal results and training records (issue 3).

columns    each kind's template headers and aliases; where they sit in the file
cells      one cell -> a typed value, or a clear problem (dates, scores, IDs Excel mangled, levels, choices)
validate   pass 1 (cells) and the shared pass-2 checks; validate_results / validate_training: the kinds'
           rules, taken from the single-record services so that a row is judged as a form would be
lookups    what the rules need from the database, read in bulk
loader     a valid plan written set-based in one transaction, with one audit event per record
report     the report lines (row, column, message, value) and the plan
templates  downloadable XLSX and CSV templates
kept_files the uploaded file: sealed with the ID key set, opened for its job only, purged after the retention period
sheet_budget  the runner's read of a file, in a child process held to a CPU and memory budget

jobs       the import job around them: status, progress, and a commit per phase (the only module here
           that commits, since a job is its own unit of work; services never do)

Spreadsheet reading (bytes -> rows) is `credentials.spreadsheets`, shared with competition results.
"""
