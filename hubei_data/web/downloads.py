"""A file the portal hands over for saving, named in Chinese as the command line names it."""

from urllib.parse import quote

from starlette.responses import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(content: bytes, filename: str, ascii_name: str) -> Response:
    """An XLSX attachment: `filename` for browsers that read RFC 6266's UTF-8 form, `ascii_name` for the rest."""
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition, "Cache-Control": "no-store",
                                                       "X-Content-Type-Options": "nosniff"})
