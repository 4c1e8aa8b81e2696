"""Entry script of the frozen application: the same ``rlsdesk`` command as the wheel's
(``rlsdesk.cli:main``), so ``--self-test`` and every subcommand behave alike frozen or not."""

import sys

from rlsdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
