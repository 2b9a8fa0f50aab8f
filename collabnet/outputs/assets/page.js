(function () {
  "use strict";

  var payload = JSON.parse(document.getElementById("collabnet-data").textContent);
  var meta = payload.meta;
  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var container = document.getElementById("network");
  var ALL = "*";

  window.collabnetReady = false;

  // Handlers go on before the data, so no stabilisation event can be missed.
  var network = new vis.Network(container, { nodes: [], edges: [] }, payload.options);
  var progress = document.getElementById("progress");

  // Ready once the network is drawn (physics off) and every control is wired.
  var drawn = false;
  var wired = false;

  function markDrawn() {
    drawn = true;
    markReady();
  }

  function markReady() {
    if (window.collabnetReady || !drawn || !wired) {
      return;
    }
    window.collabnetReady = true;
    window.collabnetReadyAt = performance.now();
    document.body.setAttribute("data-ready", "true");
    progress.hidden = true;
    if (meta.focus !== null && nodes.get(meta.focus)) {
      selectNode(meta.focus, false);
    }
  }

  if (payload.options.physics.enabled) {
    progress.hidden = false;
    progress.textContent = "布局中 Laying out…";
    network.on("stabilizationProgress", function (params) {
      var share = Math.round((100 * params.iterations) / params.total);
      progress.textContent = "布局中 Laying out… " + share + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", markDrawn);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markDrawn);
  }
  network.setData({ nodes: nodes, edges: edges });

  function element(tag, text, className) {
    var made = document.createElement(tag);
    if (text !== undefined && text !== null) {
      made.textContent = String(text);
    }
    if (className) {
      made.className = className;
    }
    return made;
  }

  var SVG = "http://www.w3.org/2000/svg";

  function svg(width, height) {
    var canvas = document.createElementNS(SVG, "svg");
    canvas.setAttribute("width", width);
    canvas.setAttribute("height", height);
    canvas.setAttribute("viewBox", "0 0 " + width + " " + height);
    return canvas;
  }

  function shapeSwatch(shape, color) {
    var canvas = svg(16, 16);
    var outline;
    var points = {
      diamond: "8,1 15,8 8,15 1,8",
      triangle: "8,1 15,14 1,14",
      hexagon: "4,2 12,2 15,8 12,14 4,14 1,8",
      star: "8,1 10,6 15,6 11,9 13,15 8,11 3,15 5,9 1,6 6,6"
    };
    if (shape === "square") {
      outline = document.createElementNS(SVG, "rect");
      outline.setAttribute("x", "2");
      outline.setAttribute("y", "2");
      outline.setAttribute("width", "12");
      outline.setAttribute("height", "12");
    } else if (points[shape]) {
      outline = document.createElementNS(SVG, "polygon");
      outline.setAttribute("points", points[shape]);
    } else {
      outline = document.createElementNS(SVG, "circle");
      outline.setAttribute("cx", "8");
      outline.setAttribute("cy", "8");
      outline.setAttribute("r", "6");
    }
    outline.setAttribute("fill", color);
    outline.setAttribute("stroke", "#343a40");
    outline.setAttribute("stroke-width", "0.8");
    canvas.appendChild(outline);
    return canvas;
  }

  function lineSwatch(style) {
    var canvas = svg(34, 12);
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "1");
    line.setAttribute("y1", "6");
    line.setAttribute("x2", "33");
    line.setAttribute("y2", "6");
    line.setAttribute("stroke", style.color);
    line.setAttribute("stroke-width", String(Math.max(1, style.width)));
    if (style.dashes) {
      line.setAttribute("stroke-dasharray", style.dashes.join(" "));
    }
    canvas.appendChild(line);
    return canvas;
  }

  function legendRow(swatch, text) {
    var row = element("div", null, "legend-row");
    row.appendChild(swatch);
    row.appendChild(element("span", text));
    return row;
  }

  function buildLegend() {
    var legend = document.getElementById("legend");
    var kindsShown = {};
    edges.forEach(function (edge) {
      kindsShown[edge.kind] = true;
    });
    meta.types.forEach(function (type) {
      var color = meta.color_by === "type" ? type.color : "#ffffff";
      legend.appendChild(legendRow(shapeSwatch(type.shape, color), type.zh + " " + type.en + " (" + type.count + ")"));
    });
    if (meta.color_by === "industry") {
      legend.appendChild(element("div", "颜色 = 首个产业 colour = first industry", "legend-note muted"));
      meta.industries.forEach(function (industry) {
        legend.appendChild(legendRow(shapeSwatch("dot", industry.color), industry.zh + " " + industry.en));
      });
      legend.appendChild(legendRow(shapeSwatch("dot", meta.no_industry_color), "无产业 no industry"));
    }
    legend.appendChild(element("div", "连接 Links", "legend-note muted"));
    meta.kinds.forEach(function (kind) {
      if (kindsShown[kind.code]) {
        legend.appendChild(legendRow(lineSwatch(kind), kind.zh + " " + kind.en));
      }
    });
    if (meta.recommended.count > 0) {
      legend.appendChild(legendRow(lineSwatch(meta.recommended), meta.recommended.zh + " " + meta.recommended.en));
    }
    legend.appendChild(element("div", "大小 size = " + meta.size_label, "legend-note muted"));
  }

  function option(select, value, text) {
    var choice = element("option", text);
    choice.value = value;
    select.appendChild(choice);
  }

  var typeBoxes = [];
  var industrySelect = document.getElementById("industry-filter");
  var countySelect = document.getElementById("county-filter");
  var showRecommended = document.getElementById("show-recommended");

  function buildFilters() {
    var types = document.getElementById("type-filters");
    meta.types.forEach(function (type) {
      var label = element("label");
      var box = element("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = type.code;
      box.setAttribute("data-type", type.code);
      box.addEventListener("change", applyFilters);
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + type.zh + " " + type.en + " (" + type.count + ")"));
      types.appendChild(label);
      typeBoxes.push(box);
    });
    option(industrySelect, ALL, "全部 all");
    meta.industries.forEach(function (industry) {
      option(industrySelect, industry.code, industry.zh + " " + industry.en + " (" + industry.count + ")");
    });
    option(countySelect, ALL, "全部 all");
    meta.counties.forEach(function (county) {
      var name = county.name === "" ? "市外或未填 outside / unknown" : county.name;
      option(countySelect, county.name, name + " (" + county.count + ")");
    });
    industrySelect.addEventListener("change", applyFilters);
    countySelect.addEventListener("change", applyFilters);
    document.getElementById("recommended-label").textContent =
      meta.recommended.zh + " " + meta.recommended.en + " (" + meta.recommended.count + ")";
    if (meta.recommended.count === 0) {
      document.getElementById("recommended-toggle").hidden = true;
    }
    showRecommended.addEventListener("change", applyFilters);
    document.getElementById("reset-filters").addEventListener("click", function () {
      typeBoxes.forEach(function (box) {
        box.checked = true;
      });
      industrySelect.value = ALL;
      countySelect.value = ALL;
      showRecommended.checked = true;
      applyFilters();
    });
  }

  function isVisible(node, types, industry, county) {
    return (
      types[node.org_type] === true &&
      (industry === ALL || node.industries.indexOf(industry) >= 0) &&
      (county === ALL || node.county === county)
    );
  }

  function applyFilters() {
    var types = {};
    typeBoxes.forEach(function (box) {
      types[box.value] = box.checked;
    });
    var industry = industrySelect.value;
    var county = countySelect.value;
    var visible = {};
    var nodeChanges = [];
    var shownNodes = 0;
    nodes.forEach(function (node) {
      var show = isVisible(node, types, industry, county);
      visible[node.id] = show;
      shownNodes += show ? 1 : 0;
      if (Boolean(node.hidden) === show) {
        nodeChanges.push({ id: node.id, hidden: !show });
      }
    });
    var edgeChanges = [];
    var shownEdges = 0;
    edges.forEach(function (edge) {
      var show = visible[edge.from] && visible[edge.to] && (!edge.recommended || showRecommended.checked);
      shownEdges += show && !edge.recommended ? 1 : 0;
      if (Boolean(edge.hidden) === show) {
        edgeChanges.push({ id: edge.id, hidden: !show });
      }
    });
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
    document.getElementById("filter-status").textContent =
      "显示 showing " + shownNodes + " / " + nodes.length + " 机构 organisations, " + shownEdges + " 连接 links";
  }

  function normalise(text) {
    return String(text).toLowerCase().replace(/\s+/g, "");
  }

  var searchIndex = nodes.map(function (node) {
    return { id: node.id, key: normalise(node.label) + "\u0000" + normalise(node.id), label: node.label };
  });

  function search(query) {
    var probe = normalise(query);
    if (probe === "") {
      return [];
    }
    var hits = searchIndex.filter(function (entry) {
      return entry.key.indexOf(probe) >= 0;
    });
    hits.sort(function (a, b) {
      var aStarts = a.key.indexOf(probe) === 0 ? 0 : 1;
      var bStarts = b.key.indexOf(probe) === 0 ? 0 : 1;
      return aStarts - bStarts || a.label.length - b.label.length || (a.label < b.label ? -1 : 1);
    });
    return hits.slice(0, 30).map(function (entry) {
      return entry.id;
    });
  }

  var details = document.getElementById("details");

  function showDetails(id) {
    var node = nodes.get(id);
    if (!node) {
      return;
    }
    var partners = {};
    edges.forEach(function (edge) {
      if (!edge.recommended && (edge.from === id || edge.to === id)) {
        partners[edge.from === id ? edge.to : edge.from] = true;
      }
    });
    partners = Object.keys(partners).length;
    details.classList.remove("muted");
    details.textContent = node.title + "\n合作方 partners: " + partners;
  }

  function selectNode(id, animate) {
    if (!nodes.get(id)) {
      return;
    }
    network.selectNodes([id]);
    network.focus(id, {
      scale: Math.max(network.getScale(), 1.0),
      animation: animate === false ? false : { duration: 400, easingFunction: "easeInOutQuad" }
    });
    showDetails(id);
  }

  var searchBox = document.getElementById("search");
  var resultList = document.getElementById("search-results");

  function renderResults() {
    var found = search(searchBox.value);
    resultList.textContent = "";
    found.forEach(function (id) {
      var node = nodes.get(id);
      var item = element("li");
      var button = element("button");
      button.type = "button";
      button.setAttribute("data-id", id);
      button.appendChild(element("span", node.label, "name"));
      var type = meta.types.filter(function (t) {
        return t.code === node.org_type;
      })[0];
      var hint = (type ? type.zh : node.org_type) + (node.hidden ? " · 已筛除 filtered out" : "");
      button.appendChild(element("span", hint, "hint"));
      button.addEventListener("click", function () {
        selectNode(id);
      });
      item.appendChild(button);
      resultList.appendChild(item);
    });
    if (searchBox.value.trim() !== "" && found.length === 0) {
      resultList.appendChild(element("li", "无匹配 no match", "muted"));
    }
    return found;
  }

  searchBox.addEventListener("input", renderResults);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = renderResults();
      if (found.length > 0) {
        selectNode(found[0]);
      }
    }
  });

  network.on("click", function (params) {
    if (params.nodes.length > 0) {
      showDetails(params.nodes[0]);
    }
  });

  var summary = meta.as_of === null ? "" : "截至 as of " + meta.as_of + " · ";
  summary += nodes.length + " 机构 organisations · " + edges.get({ filter: function (e) {
    return !e.recommended;
  } }).length + " 连接 links";
  document.getElementById("summary").textContent = summary;

  buildLegend();
  buildFilters();
  applyFilters();

  window.collabnet = {
    network: network,
    nodes: nodes,
    edges: edges,
    meta: meta,
    search: search,
    selectNode: selectNode,
    applyFilters: applyFilters
  };
  wired = true;
  markReady();
})();
