"""The table model: canonical columns, accepted header aliases and value vocabularies.

Every reader maps the user's headers onto these canonical names; every later stage uses
the canonical names only.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "COLUMN_ALIASES",
    "LEADING_TYPES",
    "LEVELS",
    "LINK_KINDS",
    "MISSING_MARKERS",
    "ORG_TYPES",
    "REQUIRED_COLUMNS",
    "TABLE_KINDS",
    "is_missing",
    "normalise_header",
    "normalise_value",
]

ORG_TYPES = ("platform", "enterprise", "university", "institute", "other")
LINK_KINDS = ("co_built_centre", "cooperation", "co_founding", "joint_project", "incubation")
LEVELS = ("national", "provincial", "municipal", "none")
TABLE_KINDS = (
    "organizations",
    "links",
    "industries",
    "participations",
    "projects",
    "demands",
    "counties",
    "aliases",
)

# Value aliases, keyed by the normalised spelling (see normalise_value).
TYPE_ALIASES: dict[str, str] = {
    **{t: t for t in ORG_TYPES},
    "平台": "platform",
    "创新平台": "platform",
    "高能级平台": "platform",
    "新型研发机构": "platform",
    "研究院": "platform",
    "企业": "enterprise",
    "龙头企业": "enterprise",
    "龙头骨干企业": "enterprise",
    "链主企业": "enterprise",
    "骨干企业": "enterprise",
    "科技型企业": "enterprise",
    "company": "enterprise",
    "高校": "university",
    "大学": "university",
    "高等院校": "university",
    "学院": "university",
    "科研院所": "institute",
    "研究院所": "institute",
    "研究所": "institute",
    "research institute": "institute",
    "其他": "other",
    "其它": "other",
    # CORDIS activity types
    "prc": "enterprise",
    "hes": "university",
    "rec": "institute",
    "pub": "other",
    "oth": "other",
}
# Spellings of a type that also mark the organisation as a new-type R&D institution.
RD_INSTITUTION_TYPES = frozenset({"新型研发机构"})
# Spellings of a type that name a role: an enterprise that is a leading one (龙头企业).
LEADING_TYPES = frozenset({"龙头企业", "龙头骨干企业", "链主企业", "骨干企业"})

# Ways bureau lists write "no value"; compared after normalise_value.
MISSING_MARKERS = frozenset({"", "na", "n/a", "-", "—", "/", "无", "不详", "暂无", "空"})

KIND_ALIASES: dict[str, str] = {
    **{k: k for k in LINK_KINDS},
    "co-built centre": "co_built_centre",
    "co-built center": "co_built_centre",
    "co_built_center": "co_built_centre",
    "共建研发中心": "co_built_centre",
    "研发中心": "co_built_centre",
    "合作": "cooperation",
    "合作关系": "cooperation",
    "合作协议": "cooperation",
    "co-founding": "co_founding",
    "共建": "co_founding",
    "共建单位": "co_founding",
    "joint project": "joint_project",
    "联合项目": "joint_project",
    "科研项目": "joint_project",
    "项目": "joint_project",
    "揭榜挂帅": "joint_project",
    "孵化": "incubation",
}

LEVEL_ALIASES: dict[str, str] = {
    **{lv: lv for lv in LEVELS},
    "": "none",
    "国家级": "national",
    "国家": "national",
    "省级": "provincial",
    "省": "provincial",
    "市级": "municipal",
    "市": "municipal",
    "city": "municipal",
    "无": "none",
    "-": "none",
}

BOOL_ALIASES: dict[str, bool] = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "是": True,
    "√": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
    "否": False,
}

GROUP_ALIASES: dict[str, str] = {
    "traditional": "traditional",
    "传统": "traditional",
    "传统产业": "traditional",
    "emerging": "emerging",
    "新兴": "emerging",
    "新兴产业": "emerging",
}

# Header aliases per table, keyed by canonical column; compared after normalise_header.
COLUMN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "organizations": {
        "id": ("id", "编号", "机构编号", "代码", "统一社会信用代码", "org_id"),
        "name": (
            "name",
            "名称",
            "机构名称",
            "单位名称",
            "企业名称",
            "平台名称",
            "组织名称",
            "全称",
            "单位全称",
            "机构全称",
        ),
        "short_name": ("short_name", "简称", "单位简称", "机构简称", "企业简称"),
        "type": ("type", "类型", "机构类型", "单位类型", "类别"),
        "industries": ("industries", "industry", "所属产业", "产业", "产业领域", "主攻产业"),
        "county": (
            "county",
            "县市区",
            "所在县市区",
            "区县",
            "所在地区",
            "县（市、区）",
            "所在县（市、区）",
            "所属县市区",
        ),
        "level": ("level", "级别", "层级", "认定级别"),
        "founded": ("founded", "成立年份", "成立时间", "建立年份"),
        "rd_institution": ("rd_institution", "新型研发机构", "是否新型研发机构"),
        "leading": (
            "leading",
            "龙头企业",
            "是否龙头企业",
            "龙头骨干企业",
            "是否龙头",
            "是否链主企业",
        ),
    },
    "links": {
        "source": ("source", "来源", "起点", "机构一", "甲方", "单位一"),
        "target": ("target", "目标", "终点", "机构二", "乙方", "单位二"),
        "kind": ("kind", "关系类型", "合作类型", "类型", "link_type"),
        "year": ("year", "年份", "年度", "合作年份"),
        "weight": ("weight", "权重", "次数", "合作次数", "count"),
        "funding": ("funding", "经费", "金额", "经费（万元）", "经费(万元)", "资金"),
    },
    "industries": {
        "code": ("code", "代码", "产业代码", "编号"),
        "name_zh": ("name_zh", "名称", "中文名称", "产业名称"),
        "name_en": ("name_en", "英文名称", "english"),
        "group": ("group", "类别", "分组", "产业类别"),
        "aliases": ("aliases", "别名"),
    },
    "participations": {
        "project": ("project", "rcn", "project_id", "项目", "项目编号", "项目名称"),
        "org": ("org", "pic", "org_id", "organisation", "organization", "参与单位", "单位"),
        "year": ("year", "start_year", "年份", "立项年份", "年度"),
        "org_type": ("org_type", "type", "类型", "单位类型", "activity_type"),
        "org_name": ("org_name", "单位名称", "机构名称", "name"),
    },
    "projects": {
        "project": ("project", "rcn", "project_id", "项目", "项目编号"),
        "industry": ("industry", "programme_part", "所属产业", "产业", "领域"),
    },
    "aliases": {
        "id_1": ("id_1", "编号一", "编号1"),
        "name_1": ("name_1", "名称一", "名称1"),
        "id_2": ("id_2", "编号二", "编号2"),
        "name_2": ("name_2", "名称二", "名称2"),
        "merge": ("merge", "合并", "是否合并"),
        "keep": ("keep", "保留"),
    },
    "counties": {
        "name": ("name", "名称", "县市区", "county"),
        "aliases": ("aliases", "别名", "简称"),
    },
    "demands": {
        "id": ("id", "编号", "需求编号", "榜单编号"),
        "enterprise": ("enterprise", "企业", "发榜企业", "需求企业", "企业名称"),
        "title": ("title", "需求名称", "榜单名称", "技术需求", "名称"),
        "description": ("description", "需求描述", "描述", "内容", "需求内容"),
        "industry": ("industry", "产业", "所属产业", "产业领域"),
        "year": ("year", "年份", "年度", "发布年份"),
    },
}

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "organizations": ("name", "type"),
    "links": ("source", "target", "kind"),
    "industries": ("code", "name_zh"),
    "participations": ("project", "org"),
    "projects": ("project", "industry"),
    "demands": ("enterprise", "title"),
    "counties": ("name",),
    "aliases": ("merge",),
}

_SPACES = re.compile(r"[\s_\-]+")
# Spaces next to a Chinese character: headers such as "名  称" are spaced out to fill a cell.
_SPACES_BY_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def normalise_header(text: str) -> str:
    """Header spelling used for alias look-up: NFKC, lower case, spaces/_/- collapsed.

    Examples
    --------
    >>> normalise_header("名  称"), normalise_header("Name_ZH"), normalise_header("经费 （万元）")
    ('名称', 'name_zh', '经费(万元)')
    """
    text = _SPACES_BY_CJK.sub("", unicodedata.normalize("NFKC", str(text)).strip().lower())
    return _SPACES.sub("_", text).strip("_")


def normalise_value(text: str) -> str:
    """Cell spelling used for vocabulary look-up: NFKC, trimmed, lower case."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def is_missing(text: str) -> bool:
    """Whether a cell says "no value": empty, or a marker such as NA, -, 无, 不详.

    Examples
    --------
    >>> [is_missing(t) for t in ("", " N/A ", "无", "—", "0", "温州大学")]
    [True, True, True, True, False, False]
    """
    return normalise_value(text) in MISSING_MARKERS


def header_lookup(table: str) -> dict[str, str]:
    """Map each normalised alias of ``table``'s columns to its canonical column name."""
    lookup: dict[str, str] = {}
    for canonical, aliases in COLUMN_ALIASES[table].items():
        for alias in aliases:
            lookup.setdefault(normalise_header(alias), canonical)
    return lookup
