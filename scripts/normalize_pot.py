"""Make the extracted .pot reproducible: a fixed creation date, so that
re-extracting unchanged sources gives an identical file (and the stale-.pot
test compares content, not timestamps)."""

import re
import sys
from pathlib import Path

path = Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
text = re.sub(
    r'"POT-Creation-Date: [^"]*\\n"', '"POT-Creation-Date: 2026-01-01 00:00+0000\\\\n"', text
)
text = re.sub(r"# Copyright \(C\) \d{4}", "# Copyright (C) 2026", text)
path.write_text(text, encoding="utf-8")
