"""The benchmark suite: simulated-years datasets, the query mix and its baselines.

``python -m bench`` runs it; ``python -m bench.generate`` only builds datasets.
Not run by CI; see ``bench/RESULTS.md`` for a run and its analysis.
"""
