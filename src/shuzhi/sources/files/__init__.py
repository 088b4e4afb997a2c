"""Reading files for import: format, encoding and layout detection, Excel via calamine, identifiers.

Pure Python plus pyarrow/calamine/charset-normalizer; no SQL and no DuckDB (that is
shuzhi.engines.imports). See README.md.
"""

from shuzhi.sources.files.excel import ExcelData, SheetInfo, read_excel
from shuzhi.sources.files.formats import FORMATS, detect_format
from shuzhi.sources.files.names import (
    check_table_name,
    default_table_name,
    make_identifier,
    make_identifiers,
    rejects_table_name,
)
from shuzhi.sources.files.tail import copy_lines
from shuzhi.sources.files.text import (
    TextLayout,
    count_data_rows,
    needs_transcoding,
    normalize_encoding,
    sniff_layout,
    transcode_to_utf8,
)

__all__ = [
    "FORMATS", "ExcelData", "SheetInfo", "TextLayout", "check_table_name", "copy_lines", "count_data_rows", "default_table_name", "detect_format",
    "make_identifier", "make_identifiers", "needs_transcoding", "normalize_encoding", "read_excel",
    "rejects_table_name", "sniff_layout", "transcode_to_utf8",
]
