"""Logging for rule scripts: everything to the rule's log file, errors also to the terminal."""

from __future__ import annotations

import logging
import sys
import traceback


def start_logging(path: str) -> logging.Logger:
    to_file = logging.FileHandler(path, mode="w")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    to_terminal = logging.StreamHandler(sys.stderr)
    to_terminal.setLevel(logging.WARNING)
    to_terminal.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[to_file, to_terminal], force=True)

    def log_uncaught(kind, error, tb):
        to_file.stream.write("".join(traceback.format_exception(kind, error, tb)))
        logging.getLogger("ff").error("%s (traceback in %s)", error, path)

    sys.excepthook = log_uncaught
    return logging.getLogger("ff")
