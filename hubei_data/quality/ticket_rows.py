"""A ticket's rows as the workbook its owner forwards to the vendor: what the ticket is, then every row behind it."""

import io

from openpyxl import Workbook

from hubei_data.catalog.export import write_sheet
from hubei_data.contracts import SOURCES
from hubei_data.quality.tickets import STAGE_NAMES, Ticket

HEADINGS = ["业务主键", "问题说明", "批次", "文件", "行号", "接收时间"]


def workbook(ticket: Ticket, rows: list[tuple]) -> bytes:
    """An overview sheet (工单) and a sheet of the rows (问题记录), each row with its key, detail, file and row."""
    book = Workbook()
    source = SOURCES[ticket.source]
    overview = [
        ("工单编号", ticket.ticket_id), ("数据源", f"{ticket.source}（{source.chinese}）"), ("规则", ticket.rule),
        ("业务系统", f"{source.system}（{ticket.system}）"), ("责任处室", ticket.owner), ("承建运维单位", ticket.vendor or "未登记"),
        ("状态", STAGE_NAMES[ticket.stage]), ("问题记录数", ticket.affected_rows),
        ("整改期限", ticket.due_at.strftime("%Y-%m-%d")),
    ]
    write_sheet(book.active, "工单", ["项目", "内容"], [list(line) for line in overview])
    write_sheet(book.create_sheet(), "问题记录", HEADINGS,
                [[key, detail, batch, file, row, received.strftime("%Y-%m-%d %H:%M")]
                 for key, detail, batch, file, row, received in rows])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
