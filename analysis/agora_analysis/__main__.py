"""Entry point of `python3 -m agora_analysis`: runs the command line (cli.py)."""
import sys

from .cli import main

sys.exit(main())
