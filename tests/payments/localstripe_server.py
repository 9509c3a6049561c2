"""localstripe for tests: `python tests/payments/localstripe_server.py PORT`.

Unlike its own command line, it listens on 127.0.0.1 only, starts from an empty store and never
pickles its state to the system temp folder.
"""
from __future__ import annotations

import sys

from aiohttp import web
from localstripe import resources, server


def serve(port: int) -> None:
    resources.Store.dump_to_disk = lambda self: None
    web.run_app(server.app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
