"""``python -m fel`` — same as the ``fel`` command."""
import sys

from fel.cli import main

sys.exit(main())
