"""`python -m shuzhi ...`: the `shuzhi` command (the same entry point as the installed script)."""

from shuzhi.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
