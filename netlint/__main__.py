from __future__ import annotations

from netlint.cli import main

if __name__ == "__main__":
    main()
