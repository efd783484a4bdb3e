#!/usr/bin/env python
"""Django's command-line utility; `trellis` (the console script) does the same."""

from trellis.cli import main

if __name__ == "__main__":
    main()
