"""`make bench`: python -m bench [foundation] [catalog] [checkout] (all when none is named)."""
import sys

from . import catalog, checkout, foundation

BENCHMARKS = {"foundation": foundation.main, "catalog": catalog.main, "checkout": checkout.main}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHMARKS):
        BENCHMARKS[name]()
