"""`launch-tui completion bash|zsh`: a shell completion script, generated from the parser."""

from __future__ import annotations

import argparse
import sys

import shtab

from launch_tui.cli import build_parser


def main(args: argparse.Namespace) -> int:
    sys.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return 0
