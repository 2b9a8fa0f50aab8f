"""The briefing's workbook: one sheet per section, readable as it opens.

Sheet names and the first header row are Chinese; the second header row keeps each
column's code (what the analyses and the CSV/JSON outputs call it), so a formula or a
script can still find a column. Shares are formatted as percentages, other decimals
rounded for reading (the cells keep their values), flags read 是/否, the header rows
are frozen and carry filters.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collabnet.outputs.contents import Briefing

__all__ = ["HEADERS", "write_workbook"]

# Chinese headers of the columns the briefing's sections carry; others keep their code.
HEADERS = {
    "metric": "指标代码",
    "year": "年份",
    "value": "数值",
    "target": "目标",
    "comparison": "比较",
    "target_year": "目标年份",
    "met": "是否达成",
    "description_zh": "指标",
    "description_en": "指标（英文）",
    "industry": "产业",
    "county": "县市区",
    "finding": "问题",
    "severity": "严重程度",
    "threshold": "阈值",
    "reason_zh": "原因",
    "reason_en": "原因（英文）",
    "reason": "原因（中英）",
    "id": "编号",
    "name": "机构",
    "type": "类型",
    "group": "分组",
    "degree": "合作伙伴数",
    "weighted_degree": "加权合作数",
    "pagerank": "PageRank",
    "eigenvector": "特征向量中心性",
    "harmonic": "调和中心性",
    "betweenness": "中介中心性",
    "core_number": "核数",
    "rank_in_type": "同类排名",
    "constraint": "约束度",
    "effective_size": "有效规模",
    "coordinator": "协调者",
    "consultant": "顾问",
    "gatekeeper_representative": "守门人/代表",
    "liaison": "跨类联络",
    "brokerage": "中介次数",
    "enterprise_id": "企业编号",
    "enterprise_name": "企业",
    "platform_id": "平台编号",
    "platform_name": "创新平台",
    "score": "得分",
    "candidate_rank": "候选配对中排名",
    "percentile": "得分百分位",
    "plan": "方案序号",
    "industries": "产业",
    "reasons": "理由",
    "common_partners": "共同伙伴数",
    "adamic_adar": "Adamic–Adar 指数",
    "resource_allocation": "资源分配指数",
    "paths3": "三步路径数",
    "katz": "Katz 指数",
    "text_similarity": "能力文本相似度",
    "same_industry": "同产业",
    "coverage_gap": "覆盖缺口",
    "same_county": "同县市区",
    "same_country": "同国家",
    "co_built": "已有共建研发中心",
    "capacity_left": "剩余容量比例",
    "enterprise_degree": "企业合作伙伴数",
    "platform_degree": "平台合作伙伴数",
    "platform_load": "方案后共建研发中心",
}
# Columns that hold a share (0–1) in every row; a KPI's value and target are shares in
# the rows of its ``*_share`` metrics only.
SHARES = frozenset({"percentile", "capacity_left", "coverage_share"})
# Years read without a thousands separator.
YEARS = frozenset({"year", "target_year", "founded", "first_year", "last_year"})
# Columns that are 0/1 flags although stored as numbers.
FLAGS = frozenset({"same_industry", "same_county", "same_country"})
HEADER_ROWS = 2


def write_workbook(content: Briefing, path: str | Path) -> Path:
    """Write one sheet per section (:data:`~collabnet.outputs.report.SHEETS`), with the
    rows the page lists.

    Cells are written as values, never as formulas: a name beginning with ``=`` stays
    text, so a hostile organisation name cannot run anything in Excel. A list (a
    pairing's reasons, an organisation's industries) is one cell, one item per line.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{content.title_zh} · {content.title_en}"
    band = PatternFill("solid", fgColor="F5F7FA")
    for section in content.sections:
        sheet = workbook.create_sheet(section.sheet)
        frame = section.frame
        columns = [str(c) for c in frame.columns]
        sheet.append([HEADERS.get(c, c) for c in columns])
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = band
        for cell in sheet[2]:
            cell.font = Font(italic=True, color="616E7C")
            cell.fill = band
        share_rows = _share_rows(frame)
        for position, row in enumerate(frame.itertuples(index=False)):
            cells = zip(row, columns, strict=True)
            values = [_excel_value(v, c, ILLEGAL_CHARACTERS_RE) for v, c in cells]
            sheet.append(values)
            for index, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
                cell = sheet.cell(HEADER_ROWS + position + 1, index)
                if isinstance(value, str):
                    cell.data_type = "s"
                    if "\n" in value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                    continue
                if isinstance(value, bool) or value is None:
                    continue
                shared = column in SHARES or (
                    column in ("value", "target", "threshold") and share_rows[position]
                )
                if column in YEARS:
                    cell.number_format = "0"
                elif column == "percentile":
                    # Planned pairs sit in the top fraction of a percent: show it.
                    cell.number_format = "0.00%"
                else:
                    cell.number_format = _number_format(value, shared)
        widths = [max(_display_width(HEADERS.get(c, c)), len(c)) for c in columns]
        for line in sheet.iter_rows(min_row=HEADER_ROWS + 1):
            for cell in line:
                text = cell.value if isinstance(cell.value, str) else None
                if text is None:
                    continue
                longest = max(_display_width(part) for part in text.split("\n"))
                widths[cell.column - 1] = max(widths[cell.column - 1], longest)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width)) + 2
        sheet.freeze_panes = sheet.cell(HEADER_ROWS + 1, 1)
        if columns:
            last = get_column_letter(len(columns))
            sheet.auto_filter.ref = f"A{HEADER_ROWS}:{last}{HEADER_ROWS + max(len(frame), 1)}"
    target = Path(path)
    workbook.save(target)
    return target


def _share_rows(frame: pd.DataFrame) -> list[bool]:
    """Rows whose value, target and threshold are shares (a KPI ``*_share`` metric, a
    ``low_coverage`` gap)."""
    if "metric" in frame.columns:
        return [str(m).endswith("_share") for m in frame["metric"]]
    if "finding" in frame.columns:
        return [str(f) == "low_coverage" for f in frame["finding"]]
    return [False] * len(frame)


def _number_format(value: Any, share: bool) -> str:
    if share:
        return "0.0%"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "#,##0"
    if isinstance(value, float) and abs(value) >= 100:
        return "#,##0"
    if isinstance(value, float) and abs(value) >= 1:
        return "0.00"
    return "0.000"


def _excel_value(value: Any, column: str, illegal: Any) -> Any:
    if isinstance(value, tuple | list | set | np.ndarray):
        value = "\n".join(str(v) for v in value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool) or (column in FLAGS and value in (0, 1)):
        return "是" if value else "否"
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, str):
        return illegal.sub("", value)
    return value


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters count twice."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)
