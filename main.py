"""Start Mosaic from a source checkout: ``python main.py`` (same as the ``mosaic`` command)."""

import multiprocessing
import sys

from assistant.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
