"""Downloadable templates per import kind: Chinese headers, an example row, a sheet that explains the columns.

The XLSX formats the ID, occupation and number columns as Text, so that Excel keeps all 18 digits of an ID
(typed into a General column it would become 3.20505E+17 and lose the last three).
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..models import ImportKind
from .columns import KIND_COLUMNS

CHOICES = {
    "level": "初级工,中级工,高级工,技师,高级技师",
    "target_level": "初级工,中级工,高级工,技师,高级技师",
    "training_type": "就业技能培训,岗位技能提升培训,创业培训",
    "form": "定向培训,定岗培训,订单式培训,新型学徒制,其他",
    "outcome": "在训,已结业,中途退出",
    "school_type": "技工学校,高级技工学校,技师学院,中等职业学校,高等职业学校,大专,本科,硕士研究生",
    "stream": "中级工班,高级工班,预备技师班",
    "current_graduate": "是,否",
}
FORMATTED_ROWS = 5_000  # rows below the header that carry the Text format and the drop-down lists


def template_xlsx(kind: ImportKind) -> bytes:
    columns = KIND_COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "导入数据"
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = bold
        number = column.example.isdigit() and not column.as_text
        value = int(column.example) if number else column.example or None
        example = sheet.cell(row=2, column=index, value=value)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.as_text:
            example.number_format = "@"
            for row in range(3, FORMATTED_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.key in CHOICES:
            rule = DataValidation(type="list", formula1=f'"{CHOICES[column.key]}"', allow_blank=True)
            rule.add(f"{letter}2:{letter}{FORMATTED_ROWS + 1}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明 Notes")
    notes.append(["列名 Column", "必填 Required", "说明", "Notes"])
    for cell in notes[1]:
        cell.font = bold
    for column in columns:
        notes.append([f"{column.header} ({column.english})", "是 yes" if column.required else "否 no",
                      column.note.zh, column.note.en])
    notes.append([])
    notes.append(["第 2 行是示例，导入前请删除或改为真实数据；表头须保留。",
                  "", "", "Row 2 is an example: delete or replace it before importing; keep the header row."])
    for letter, width in zip("ABCD", (34, 14, 60, 70), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(kind: ImportKind) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese headers correctly."""
    columns = KIND_COLUMNS[kind]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    writer.writerow([column.example for column in columns])
    return ("\ufeff" + text.getvalue()).encode("utf-8")
