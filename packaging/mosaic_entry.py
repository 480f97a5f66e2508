"""The frozen ``mosaic`` executable's entry script (packaging/mosaic.spec builds it).

``multiprocessing.freeze_support()`` comes first: the engine runs in a ``spawn`` child, which
a frozen app starts by re-running this executable; freeze_support turns that run into the
child instead of a second window.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from assistant.app import main

    sys.exit(main())
