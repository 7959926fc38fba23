# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

# trytond's caches keyed by the context ignore the records of a wizard
from . import cache  # noqa: F401
# trytond's cursor_dict without rebuilding the column names for each row
from . import cursor  # noqa: F401
# trytond's long JSON-RPC answers in large pieces, without a false header
from . import jsonrpc  # noqa: F401
# psycopg's placeholders of long queries converted without a Python loop
from . import placeholders  # noqa: F401
# trytond's labels of selection values built once per list
from . import selection  # noqa: F401
