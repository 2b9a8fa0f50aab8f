"""How organisation types and link kinds look, shared by the page and the figures."""

from __future__ import annotations

from typing import Any

__all__ = ["COMMUNITY_PALETTE", "KIND_STYLES", "RECOMMENDED_STYLE", "TYPE_STYLES"]

TYPE_STYLES: dict[str, dict[str, str]] = {
    "platform": {"zh": "创新平台", "en": "platform", "color": "#e8590c", "shape": "diamond"},
    "enterprise": {"zh": "企业", "en": "enterprise", "color": "#1971c2", "shape": "dot"},
    "university": {"zh": "高校", "en": "university", "color": "#2f9e44", "shape": "triangle"},
    "institute": {"zh": "科研院所", "en": "institute", "color": "#7048e8", "shape": "square"},
    "other": {"zh": "其他", "en": "other", "color": "#868e96", "shape": "hexagon"},
}
# In order of precedence: a pair linked in several ways is drawn as its first kind here.
# Link colours avoid the node colours above (orange, blue, green, purple, grey), so a
# line never reads as an organisation type: brown, ochre, teal, slate, light grey.
KIND_STYLES: dict[str, dict[str, Any]] = {
    "co_built_centre": {
        "zh": "共建研发中心",
        "en": "co-built R&D centre",
        "color": "#8c4a2f",
        "width": 3.0,
        "dashes": False,
    },
    "co_founding": {
        "zh": "共建单位",
        "en": "co-founding",
        "color": "#c28a00",
        "width": 2.5,
        "dashes": False,
    },
    "incubation": {
        "zh": "孵化",
        "en": "incubation",
        "color": "#0b7285",
        "width": 2.0,
        "dashes": [2, 4],
    },
    "cooperation": {
        "zh": "合作关系",
        "en": "cooperation",
        "color": "#495057",
        "width": 1.5,
        "dashes": False,
    },
    "joint_project": {
        "zh": "联合项目",
        "en": "joint project",
        "color": "#c5cbd3",
        "width": 1.0,
        "dashes": False,
    },
}
RECOMMENDED_STYLE: dict[str, Any] = {
    "zh": "推荐配对",
    "en": "recommended pair",
    "color": "#d6336c",
    "width": 3.0,
    "dashes": [10, 6],
}
# Communities, largest first; the rest are drawn light grey.
COMMUNITY_PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#e7969c",
)
