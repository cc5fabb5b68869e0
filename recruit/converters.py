"""URL converters shared by the pages and the API."""

from werkzeug.routing import IntegerConverter

#: The largest id either database stores in an INTEGER column.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """A database id: 1 … 2**31-1; anything else is simply not found (404), never a 500."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)
