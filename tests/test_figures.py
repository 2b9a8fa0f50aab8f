"""Report figures: they render, Chinese text has glyphs, and they show the right numbers.

Warnings are errors in this suite, so matplotlib's "Glyph ... missing from font(s)"
warning fails any test here that draws a Chinese label without a CJK font.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.image import imread

import collabnet as cn
from collabnet.cli import main
from collabnet.errors import InputError
from collabnet.outputs import figure_jobs, figures
from collabnet.outputs.figures import (
    broker_chart,
    cjk_font_family,
    coverage_heatmap,
    industry_type_counts,
    overview_figure,
    save_figure,
)

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "tiny"


@pytest.fixture(scope="module")
def tiny() -> cn.Network:
    return cn.load(TINY)


@pytest.fixture
def cjk_font() -> str:
    family = cjk_font_family()
    if family is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk, see scripts/setup.sh)")
    return family


def rendered(figure: object) -> io.BytesIO:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)  # type: ignore[attr-defined]
    buffer.seek(0)
    return buffer


def test_industry_type_counts_match_a_hand_count(tiny: cn.Network) -> None:
    counts = industry_type_counts(tiny)

    # P1: 数字经济+智能装备; P2: 泵阀; E1: 泵阀; E2: 电气+智能装备; E3: 汽车零部件; U1, U2: none.
    assert counts.to_dict("index") == {
        "电气": {"platform": 0, "enterprise": 1},
        "汽车零部件": {"platform": 0, "enterprise": 1},
        "泵阀": {"platform": 1, "enterprise": 1},
        "数字经济": {"platform": 1, "enterprise": 0},
        "智能装备": {"platform": 1, "enterprise": 1},
    }


def test_coverage_heatmap_renders_with_chinese_labels(tiny: cn.Network, cjk_font: str) -> None:
    figure = coverage_heatmap(tiny)
    heat = figure.axes[0]

    assert [t.get_text() for t in heat.get_yticklabels()] == [
        "电气",
        "汽车零部件",
        "泵阀",
        "数字经济",
        "智能装备",
    ]
    cells = sorted(t.get_text() for t in heat.texts)
    assert cells == sorted(["0"] * 3 + ["1"] * 7)  # the hand count above, cell by cell
    pixels = imread(rendered(figure))
    assert pixels.std() > 0.05


def test_broker_chart_ranks_by_networkx_betweenness(tiny: cn.Network, cjk_font: str) -> None:
    reference = nx.betweenness_centrality(tiny.graph)
    top = sorted(reference, key=lambda org: (-reference[org], org))[:3]
    names = [tiny.graph.nodes[org]["name"] for org in top]
    figure = broker_chart(tiny, top=3)
    axes = figure.axes[0]

    # Bars are drawn bottom-up, so the strongest broker is the last label.
    assert [t.get_text() for t in axes.get_yticklabels()][::-1] == names
    widths = [bar.get_width() for bar in axes.patches][::-1]
    assert widths == pytest.approx([reference[org] for org in top])
    rendered(figure)


def test_overview_draws_every_organisation_and_names_the_hubs(
    tiny: cn.Network, cjk_font: str
) -> None:
    figure = overview_figure(tiny, labels=2)
    axes = figure.axes[0]
    scatters = [c for c in axes.collections if isinstance(c, PathCollection)]
    points = sum(len(collection.get_offsets()) for collection in scatters)

    assert points == 7
    labels = sorted(t.get_text() for t in axes.texts)
    # Partners by hand from links.csv: P1 4 (E2, E3, U1, U2), U2 3 (P1, P2, E1), the rest ≤ 2.
    assert labels == sorted(["浙大温州研究院", "温州大学"])
    rendered(figure)


def test_figures_are_saved_as_png(tiny: cn.Network, cjk_font: str, tmp_path: Path) -> None:
    path = save_figure(broker_chart(tiny), tmp_path / "brokers.png", dpi=50)

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_cjk_font_is_reported(tiny: cn.Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(figures, "cjk_font_family", lambda: None)

    with pytest.warns(UserWarning, match="no CJK font found.*fonts-noto-cjk"):
        broker_chart(tiny, top=2)


def test_broker_chart_refuses_an_empty_top(tiny: cn.Network) -> None:
    with pytest.raises(InputError, match="top must be at least 1"):
        broker_chart(tiny, top=0)


def test_figures_command_writes_three_pngs(in_repo: Path, tmp_path: Path, cjk_font: str) -> None:
    result = CliRunner().invoke(
        main, ["figures", "tests/data/tiny", "-o", str(tmp_path), "--dpi", "40"]
    )

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "brokers.png",
        "coverage.png",
        "overview.png",
    ]


@pytest.fixture
def no_industries(tmp_path: Path) -> Path:
    """Three organisations, none with an industry, and two links."""
    folder = tmp_path / "no-industries"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "id,name,type\nP1,平台一,platform\nE1,企业一,enterprise\nU1,大学一,university\n", "utf-8"
    )
    (folder / "links.csv").write_text(
        "source,target,kind,year\nE1,P1,co_built_centre,2020\nP1,U1,cooperation,2021\n", "utf-8"
    )
    return folder


def test_figures_command_without_industries_writes_the_other_two(
    no_industries: Path, tmp_path: Path, cjk_font: str
) -> None:
    target = tmp_path / "figures"
    result = CliRunner().invoke(main, ["figures", str(no_industries), "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.glob("*.png")) == ["brokers.png", "overview.png"]
    assert "coverage.png not drawn: no organisation has an industry" in result.stderr


def _has_cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def _figure_texts(figure: object) -> list[str]:
    """Every label drawn on a figure except the organisations' names."""
    texts = [figure.axes[0].get_title()]  # type: ignore[attr-defined]
    for axes in figure.axes:  # type: ignore[attr-defined]
        texts += [axes.get_title(), axes.get_xlabel(), axes.get_ylabel()]
        texts += [t.get_text() for t in axes.get_xticklabels()]
        legend = axes.get_legend()
        texts += [t.get_text() for t in legend.get_texts()] if legend else []
    for legend in figure.legends:  # type: ignore[attr-defined]
        texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t]


@pytest.mark.parametrize("draw", [coverage_heatmap, broker_chart, overview_figure])
def test_labels_are_in_the_language_asked_for(
    sample_dir: Path, cjk_font: str, draw: object
) -> None:
    network = cn.load(sample_dir)
    english = _figure_texts(draw(network, lang="en"))  # type: ignore[operator]
    chinese = _figure_texts(draw(network, lang="zh"))  # type: ignore[operator]
    assert english and not any(_has_cjk(t) for t in english), english
    assert all(_has_cjk(t) for t in chinese if t.strip("0123456789(),.% −-")), chinese
    assert not any("organisations" in t or "broker" in t for t in chinese), chinese


def test_heatmap_names_industries_in_english(sample_dir: Path, cjk_font: str) -> None:
    network = cn.load(sample_dir)
    figure = coverage_heatmap(network, lang="en")
    shown = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert "Footwear" in shown and "鞋业" not in shown


def test_overview_legend_names_every_link_kind_drawn(sample_dir: Path, cjk_font: str) -> None:
    network = cn.load(sample_dir)
    figure = overview_figure(network, lang="en")
    legend = " ".join(t.get_text() for t in figure.legends[0].get_texts())
    pairs = network.results.pairs
    for kind in {k for kinds in pairs["kinds"] for k in kinds}:
        assert figures.KIND_STYLES[kind]["en"] in legend
    # One line per linked pair, whatever its kinds.
    lines = [c for c in figure.axes[0].collections if isinstance(c, LineCollection)]
    assert sum(len(c.get_segments()) for c in lines) == len(pairs)


def test_overview_names_do_not_overlap(sample_dir: Path, cjk_font: str) -> None:
    figure = overview_figure(cn.load(sample_dir), labels=30)
    rendered(figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in figure.axes[0].texts]
    assert len(boxes) >= 10
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other)


def test_overview_draws_the_backbone_of_a_large_network(
    sample_dir: Path, cjk_font: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figure_jobs, "OVERVIEW_ALL_PAIRS", 100)
    network = cn.load(sample_dir)
    figure = overview_figure(network, lang="en")
    lines = [c for c in figure.axes[0].collections if isinstance(c, LineCollection)]
    drawn: int = sum(len(c.get_segments()) for c in lines)
    linked = int((network.results.adjacency.matrix.getnnz(axis=1) > 0).sum())
    # Every linked organisation keeps at least one link, and at most two of its own.
    assert linked / 2 <= drawn <= 2 * linked < len(network.results.pairs)
    assert "strongest links" in figure.axes[0].get_title()


def test_figures_command_labels_in_english(in_repo: Path, tmp_path: Path, cjk_font: str) -> None:
    result = CliRunner().invoke(
        main, ["figures", "tests/data/tiny", "-o", str(tmp_path), "--dpi", "40", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _drawn_here_fails(monkeypatch: pytest.MonkeyPatch, *kinds: str) -> None:
    """Make drawing ``kinds`` (overview, charts) in this process fail, so a test can tell
    where they were drawn."""

    def refuse(*args: object) -> None:
        raise AssertionError("a figure was drawn in the test's own process")

    for kind in kinds:
        monkeypatch.setattr(figures, f"_write_{kind}", refuse)


def test_the_overview_drawn_in_a_second_process_is_the_same(
    sample_dir: Path, cjk_font: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = cn.load(sample_dir)
    here = figures.write_figures(network, tmp_path / "here", dpi=40)
    monkeypatch.setattr(figure_jobs, "OVERVIEW_ELSEWHERE", 1)
    _drawn_here_fails(monkeypatch, "overview")
    elsewhere = figures.write_figures(network, tmp_path / "elsewhere", dpi=40)

    assert [p.name for p in elsewhere] == [p.name for p in here]
    for mine, theirs in zip(here, elsewhere, strict=True):
        assert theirs.read_bytes() == mine.read_bytes(), mine.name
    assert not list(tmp_path.glob("collabnet-figures-*"))


def test_a_process_started_ahead_draws_every_figure_the_same(
    sample_dir: Path, cjk_font: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = cn.load(sample_dir)
    here = figures.write_figures(network, tmp_path / "here", dpi=40, lang="en")
    figure_jobs.start_drawing_process()
    spare = figure_jobs._spare
    assert spare is not None
    _drawn_here_fails(monkeypatch, "overview", "charts")
    elsewhere = figures.write_figures(network, tmp_path / "elsewhere", dpi=40, lang="en")

    assert [p.name for p in elsewhere] == ["coverage.png", "brokers.png", "overview.png"]
    assert [p.name for p in elsewhere] == [p.name for p in here]
    for mine, theirs in zip(here, elsewhere, strict=True):
        assert theirs.read_bytes() == mine.read_bytes(), mine.name
    assert spare.returncode == 0
    assert figure_jobs._spare is None


def test_a_report_drawn_elsewhere_never_loads_matplotlib(in_repo: Path, tmp_path: Path) -> None:
    # A fresh interpreter: this one loaded matplotlib long ago.
    script = (
        "import sys\n"
        "from collabnet.cli import main\n"
        "try:\n"
        f"    main(['report', 'tests/data/tiny', '-o', r'{tmp_path / 'b.html'}'])\n"
        "except SystemExit as end:\n"
        "    assert end.code == 0, end.code\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )

    assert done.stdout.strip() == "False", done.stderr
    assert (tmp_path / "b.html").read_text(encoding="utf-8").count("data:image/png") == 3


def test_a_failed_drawing_process_leaves_the_overview_to_this_one(
    tiny: cn.Network, cjk_font: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = figures.write_figures(tiny, tmp_path / "here", dpi=40)

    def broken() -> subprocess.Popen[bytes]:
        crash = "import sys; sys.stdin.readline(); sys.exit(3)"
        return subprocess.Popen([sys.executable, "-c", crash], stdin=subprocess.PIPE)

    monkeypatch.setattr(figure_jobs, "_launch", broken)
    monkeypatch.setattr(figure_jobs, "OVERVIEW_ELSEWHERE", 1)
    again = figures.write_figures(tiny, tmp_path / "again", dpi=40)

    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in here]


def test_a_process_that_fails_after_the_overview_leaves_only_the_charts_to_this_one(
    tiny: cn.Network, cjk_font: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = figures.write_figures(tiny, tmp_path / "here", dpi=40)

    def failing_on_charts() -> subprocess.Popen[bytes]:
        drawer = (
            "import collabnet.outputs.figures as f\n"
            "def fail(*args): raise SystemExit(3)\n"
            "f._write_charts = fail\n"
            "f._draw_jobs()\n"
        )
        return subprocess.Popen([sys.executable, "-c", drawer], stdin=subprocess.PIPE)

    monkeypatch.setattr(figure_jobs, "_launch", failing_on_charts)
    monkeypatch.setattr(figure_jobs, "OVERVIEW_ELSEWHERE", 1)
    _drawn_here_fails(monkeypatch, "overview")
    again = figures.write_figures(tiny, tmp_path / "again", dpi=40)

    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in here]


def test_a_process_started_and_not_used_ends_with_its_input() -> None:
    figure_jobs.start_drawing_process()
    spare = figure_jobs._take_spare()
    assert spare is not None and spare.stdin is not None
    spare.stdin.close()

    assert spare.wait(timeout=60) == 0


def test_report_without_figures_starts_no_drawing_process(
    in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figure_jobs, "_launch", lambda: pytest.fail("a process was started"))
    result = CliRunner().invoke(
        main, ["report", "tests/data/tiny", "--no-figures", "-o", str(tmp_path / "b.html")]
    )

    assert result.exit_code == 0, result.output
