#!/usr/bin/env python3
"""Exit 0 when every file named on the command line parses as XML (report.html is XHTML), else print
the parser's error and exit 1. Used by tests/analysis_report_html_test.cpp as a second, independent check."""
import sys
import xml.dom.minidom

status = 0
for path in sys.argv[1:]:
    try:
        xml.dom.minidom.parse(path)
    except Exception as e:  # any parse error means the file is not well-formed
        print(f"{path}: {e}")
        status = 1
sys.exit(status)
