"""Demo and synthetic data: the Suzhou demo (`seed`, `promotions`) and benchmark populations (`synth`).

Not part of the domain's public face: only the CLI, the tests and the benchmarks import it.
"""
