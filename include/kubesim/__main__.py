"""``python -m kubesim --port PORT --kubeconfig PATH [--state FILE]``: run the emulator in the foreground.

Writes a kubeconfig pointing at the server, prints the URL on the first line of stdout (``--port 0``
picks a free port), runs until SIGINT/SIGTERM and then saves the state file when one was given.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from kubesim.server import KubeSim


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kubesim", description="In-memory Kubernetes API server emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--kubeconfig", type=Path, help="write a kubeconfig for this server here")
    parser.add_argument("--state", type=Path, help="load state from this JSON file on start, save it on exit")
    parser.add_argument("--no-controllers", action="store_true", help="do not simulate controllers")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a self-signed certificate")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    try:
        sim = KubeSim(host=args.host, port=args.port, state_file=args.state, controllers=not args.no_controllers,
                      tls=args.tls)
    except (OSError, ValueError) as exc:
        print(f"kubesim: {exc}", file=sys.stderr)
        return 1
    if args.kubeconfig:
        sim.write_kubeconfig(args.kubeconfig)
    stopped = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sim.start()
    print(sim.url, flush=True)
    while not stopped.wait(0.2):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
