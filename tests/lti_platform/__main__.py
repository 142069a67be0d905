"""`python -m tests.lti_platform`: serve the platform on 127.0.0.1 at a free port and print its URL on stdout."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import typing as t

from werkzeug.serving import make_server

from .server import Platform
from .state import State, new_key_pair


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (the default) picks a free port")
    options = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # errors still reach stderr
    holder: dict[str, t.Any] = {}

    def application(environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        return holder["platform"](environ, start_response)

    server = make_server(options.host, options.port, application, threaded=True)
    private, public = new_key_pair()
    holder["platform"] = Platform(State(f"http://{options.host}:{server.server_port}", private, public))

    def stop(signum: int, frame: t.Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"http://{options.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
