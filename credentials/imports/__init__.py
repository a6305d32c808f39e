"""Bulk imports of appraisal results and training records (issue 3).

readers    bytes -> rows of cells: CSV in UTF-8 / UTF-8 with BOM / GB18030, or XLSX opened safely
columns    each kind's template headers and aliases; where they sit in the file
cells      one cell -> a typed value, or a clear problem (dates, scores, IDs Excel mangled, levels, choices)
validate   pass 1 (cells) and the shared pass-2 checks; validate_results / validate_training: the kinds'
           rules, taken from the single-record services so that a row is judged as a form would be
lookups    what the rules need from the database, read in bulk
loader     a valid plan written set-based in one transaction, with one audit event per record
report     the report lines (row, column, message, value) and the plan
templates  downloadable XLSX and CSV templates

The job around them (status, progress, commit) is `credentials.services.imports`.
"""
