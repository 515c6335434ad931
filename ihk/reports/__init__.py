"""Reports that pull from every app: selectors build plain data (``selectors.py``), one formatter per
format turns it into a file (``xlsx.py`` for Excel)."""
