"""A real SMTP server for the SPA end-to-end run, writing every message it accepts to a folder.

    .venv/bin/python -m tests.peers.mailbox --port 2525 --folder /tmp/mails

spa/e2e/global-setup.ts starts it and points `comptoir run` at it (COMPTOIR_MAIL_TRANSPORT=smtp);
spa/e2e/mailbox.ts reads the folder. Each message is one JSON file, `000001.json`, … in the
order the server accepted them, written whole (a temporary name, then renamed) so a reader never
sees half a message: the envelope, every header decoded, the plain-text and HTML bodies.
Prints `ready <port>` once it listens; stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

from tests.peers.smtp_server import Delivered, LocalSmtpServer


def _content(part: Any) -> str:
    # As a mail program shows it: decoded, lines ending in \n (SMTP sends \r\n).
    return "" if part is None else str(part.get_content()).replace("\r\n", "\n")


def as_json(delivered: Delivered) -> dict[str, Any]:
    message = delivered.message
    return {
        "envelope_from": delivered.mail_from,
        "recipients": delivered.recipients,
        # Header names as sent; a repeated header (Received:) keeps its last value.
        "headers": {name: str(value) for name, value in message.items()},
        "text": _content(message.get_body(preferencelist=("plain",))),
        "html": _content(message.get_body(preferencelist=("html",))),
    }


class FolderWriter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()

    def __call__(self, delivered: Delivered) -> None:
        with self.lock:
            name = f"{next(self.numbers):06d}.json"
            partial = self.folder / f".{name}.partial"
            partial.write_text(json.dumps(as_json(delivered), ensure_ascii=False), "utf-8")
            os.replace(partial, self.folder / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server = LocalSmtpServer(port=args.port, on_delivery=FolderWriter(args.folder))
    server.start()
    print(f"ready {args.port}", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
