"""`make bench`: python -m bench [foundation] [catalog] (both when none is named)."""
import sys

from . import catalog, foundation

BENCHMARKS = {"foundation": foundation.main, "catalog": catalog.main}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHMARKS):
        BENCHMARKS[name]()
