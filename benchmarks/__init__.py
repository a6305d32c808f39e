"""`make bench`: measured speed, printed as `BENCH <name> <value> <unit> [baseline=..] [ratio=..]` lines."""
