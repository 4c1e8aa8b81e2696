"""Entry script of the frozen application: the same ``rlsdesk`` command as the wheel's.

``--self-test`` is routed here too, so that a frozen build can always be verified, even
one made from a tree whose ``rlsdesk.cli`` does not route it yet.
"""

import sys

from rlsdesk.selftest import wants_self_test

if __name__ == "__main__":
    if wants_self_test(sys.argv[1:]):
        from rlsdesk.selftest import main as self_test

        sys.exit(self_test(sys.argv[1:]))
    from rlsdesk.cli import main

    sys.exit(main())
