(function () {
  "use strict";

  var payload = JSON.parse(document.getElementById("collabnet-data").textContent);
  var meta = payload.meta;
  var N = payload.nodes;
  var ALL = "*";
  var count = N.id.length;

  window.collabnetReady = false;

  function decode(text, Kind) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return new Kind(bytes.buffer);
  }

  // Links travel as little-endian typed arrays (base64): a JSON list of 400,000 objects
  // would be ten times larger and slower to parse.
  var E = {
    a: decode(payload.edges.a, Uint32Array),
    b: decode(payload.edges.b, Uint32Array),
    kinds: decode(payload.edges.kinds, Uint8Array),
    year: decode(payload.edges.year, Uint16Array),
    records: decode(payload.edges.records, Uint32Array),
    backbone: decode(payload.edges.backbone, Uint8Array)
  };
  var edgeCount = E.a.length;
  var recommended = payload.recommended;
  var index = {};
  for (var i = 0; i < count; i++) {
    index[N.id[i]] = i;
  }

  // Partners of every organisation (compressed rows over all links, not only the drawn ones).
  var degree = new Uint32Array(count);
  for (i = 0; i < edgeCount; i++) {
    degree[E.a[i]]++;
    degree[E.b[i]]++;
  }
  var rowStart = new Uint32Array(count + 1);
  for (i = 0; i < count; i++) {
    rowStart[i + 1] = rowStart[i] + degree[i];
  }
  var fill = rowStart.slice(0, count);
  var rowEdge = new Uint32Array(2 * edgeCount);
  for (i = 0; i < edgeCount; i++) {
    rowEdge[fill[E.a[i]]++] = i;
    rowEdge[fill[E.b[i]]++] = i;
  }

  function primaryKind(edge) {
    var bits = E.kinds[edge];
    for (var k = 0; k < meta.kinds.length; k++) {
      if (bits & (1 << k)) {
        return k;
      }
    }
    return meta.kinds.length - 1;
  }

  var kindColors = meta.kinds.map(function (kind) {
    return kind.color;
  });
  var kindSizes = meta.kinds.map(function (kind) {
    return kind.width;
  });

  // ---- state ------------------------------------------------------------------------

  var defaults = {
    color: meta.color_by,
    links: "backbone",
    year: meta.years.length ? meta.years[meta.years.length - 1] : null,
    types: meta.types.map(function (t) {
      return t.code;
    }),
    industry: ALL,
    county: ALL,
    isolates: meta.isolates.shown_by_default,
    recommended: true,
    only: false,
    q: "",
    sel: null
  };
  var state = JSON.parse(JSON.stringify(defaults));
  if (meta.focus !== null) {
    state.sel = meta.focus;
  }
  var visible = new Uint8Array(count);
  var highlight = null;

  function nodeColor(n) {
    if (state.color === "industry") {
      var codes = N.industries[n];
      return codes.length ? meta.industries[codes[0]].color : meta.no_industry_color;
    }
    if (state.color === "community") {
      var c = N.community[n];
      return c < meta.communities.length ? meta.communities[c].color : meta.small_community_color;
    }
    return meta.types[N.type[n]].color;
  }

  function computeVisible() {
    var types = {};
    state.types.forEach(function (code) {
      types[code] = true;
    });
    var industry = state.industry === ALL ? -1 : meta.industries.findIndex(function (x) {
      return x.code === state.industry;
    });
    var county = state.county === ALL ? -1 : meta.counties.findIndex(function (x) {
      return x.name === state.county;
    });
    var ends = null;
    if (state.only) {
      ends = {};
      recommended.forEach(function (pair) {
        ends[pair.a] = true;
        ends[pair.b] = true;
      });
    }
    var shown = 0;
    for (var n = 0; n < count; n++) {
      var show =
        types[meta.types[N.type[n]].code] === true &&
        (industry < 0 || N.industries[n].indexOf(industry) >= 0) &&
        (county < 0 || N.county[n] === county) &&
        (state.year === null || N.year[n] === null || N.year[n] <= state.year) &&
        (state.isolates || degree[n] > 0) &&
        (ends === null || ends[N.id[n]] === true);
      visible[n] = show ? 1 : 0;
      shown += show ? 1 : 0;
    }
    return shown;
  }

  function edgeShown(e) {
    return (
      visible[E.a[e]] === 1 &&
      visible[E.b[e]] === 1 &&
      !state.only &&
      (state.year === null || E.year[e] === 0 || E.year[e] <= state.year)
    );
  }

  // ---- the graph and its renderer -----------------------------------------------------

  // Multi: a recommended pair may already be linked, and both lines are drawn.
  var graph = new graphology.Graph({ type: "undirected", multi: true, allowSelfLoops: false });
  for (i = 0; i < count; i++) {
    graph.addNode(N.id[i], { x: N.x[i], y: N.y[i], size: N.size[i], label: N.name[i], n: i });
  }

  function addLink(e) {
    var key = "e" + e;
    if (!graph.hasEdge(key)) {
      var kind = primaryKind(e);
      graph.addEdgeWithKey(key, N.id[E.a[e]], N.id[E.b[e]], {
        e: e,
        color: kindColors[kind],
        size: kindSizes[kind]
      });
    }
  }


  var listed = new Uint8Array(count);

  // Each organisation once: the lists passed in overlap (old and new highlight, changed
  // visibility), and sigma re-processes every key it is given.
  function keysOf(positions) {
    var keys = [];
    for (var k = 0; k < positions.length; k++) {
      if (listed[positions[k]] === 0) {
        listed[positions[k]] = 1;
        keys.push(N.id[positions[k]]);
      }
    }
    for (k = 0; k < positions.length; k++) {
      listed[positions[k]] = 0;
    }
    return keys;
  }

  // Re-processes only these nodes and links: a full refresh of 20,000 organisations
  // and 40,000 links takes most of a second without a GPU.
  function repaint(nodePositions, edgeKeys) {
    renderer.refresh({ partialGraph: { nodes: keysOf(nodePositions), edges: edgeKeys || [] }, skipIndexation: true });
  }

  function highlightNodes() {
    return highlight === null ? {} : highlight.nodes;
  }

  // The organisations that joined or left the highlight since `before`: only their
  // drawing changes (a hub keeps thousands of partners from one filter to the next).
  function highlightChanges(before) {
    var now = highlightNodes();
    var changed = [];
    Object.keys(before).forEach(function (n) {
      if (!now[n]) {
        changed.push(Number(n));
      }
    });
    Object.keys(now).forEach(function (n) {
      if (!before[n]) {
        changed.push(Number(n));
      }
    });
    return changed;
  }

  function changeHighlight(n) {
    var before = highlightNodes();
    setHighlight(n);
    repaint(highlightChanges(before));
  }

  function drawLinks() {
    graph.clearEdges();
    for (var e = 0; e < edgeCount; e++) {
      if (state.links === "all" || E.backbone[e] === 1) {
        addLink(e);
      }
    }
    recommended.forEach(function (pair, number) {
      graph.addEdgeWithKey("r" + number, pair.a, pair.b, {
        recommended: true,
        color: meta.recommended.color,
        size: meta.recommended.width
      });
    });
  }
  drawLinks();

  var container = document.getElementById("network");
  // Above the threshold, organisations are drawn as points and links as one-pixel lines.
  // Sigma's default circles and rectangles are instanced draws, which software WebGL
  // (SwiftShader, where there is no GPU) runs instance by instance: on 20,000
  // organisations and 40,000 links each frame took seconds, and held the page's thread
  // while the browser read the picture back. Points and lines draw in one pass, in a
  // tenth of the time; a highlighted organisation's links keep their widths (drawn on
  // the link layer below).
  var large = count + graph.size > meta.motion_threshold;
  var programs = large
    ? {
        edgeProgramClasses: { line: Sigma.rendering.EdgeLineProgram },
        nodeProgramClasses: { circle: Sigma.rendering.NodePointProgram }
      }
    : {};
  var renderer = new Sigma(graph, container, Object.assign(programs, {
    renderLabels: false,
    labelFont: meta.font,
    labelSize: 13,
    zIndex: false,
    minCameraRatio: 0.02,
    maxCameraRatio: 4,
    defaultEdgeColor: "#ced4da",
    defaultDrawNodeHover: drawHover,
    nodeReducer: function (key, data) {
      var n = data.n;
      var out = { x: data.x, y: data.y, size: data.size, label: data.label, color: nodeColor(n) };
      if (visible[n] !== 1) {
        out.hidden = true;
      } else if (highlight !== null && highlight.nodes[n]) {
        // Highlighted nodes are drawn again on sigma's hover layer, above the veil.
        out.highlighted = true;
      }
      return out;
    },
    edgeReducer: function (key, data) {
      if (data.recommended) {
        var ends = graph.extremities(key);
        var shown = state.recommended && visible[index[ends[0]]] === 1 && visible[index[ends[1]]] === 1;
        return { color: data.color, size: data.size, hidden: !shown };
      }
      return edgeShown(data.e) ? { color: data.color, size: data.size } : { hidden: true };
    }
  }));
  var camera = renderer.getCamera();
  var layers = renderer.getCanvases();
  // Dimming by a veil costs the same whatever the network's size; re-colouring every
  // node and link would mean re-processing all of them on each hover.
  var veil = document.createElement("div");
  veil.id = "veil";
  veil.hidden = true;
  container.insertBefore(veil, layers.hovers);
  var linkCanvas = document.createElement("canvas");
  linkCanvas.id = "link-layer";
  container.insertBefore(linkCanvas, layers.hovers);
  var linkContext = linkCanvas.getContext("2d");

  function drawHover(context, data) {
    // A ring for every highlighted organisation; its name comes from the label layer.
    context.beginPath();
    context.arc(data.x, data.y, data.size + 2, 0, Math.PI * 2);
    context.lineWidth = data.key === state.sel || (highlight !== null && N.id[highlight.node] === data.key) ? 3 : 1.5;
    context.strokeStyle = "#212529";
    context.stroke();
  }

  function fitCanvas(canvas, width, height, ratio) {
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
    }
  }

  function drawHighlightLinks(width, height, ratio) {
    fitCanvas(linkCanvas, width, height, ratio);
    var ctx = linkContext;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    veil.hidden = highlight === null;
    if (highlight === null) {
      return;
    }
    var from = renderer.framedGraphToViewport(renderer.getNodeDisplayData(N.id[highlight.node]));
    var zoom = Math.sqrt(1 / camera.getState().ratio);
    highlight.links.forEach(function (p) {
      if (visible[p.other] !== 1) {
        return;
      }
      var to = renderer.framedGraphToViewport(renderer.getNodeDisplayData(N.id[p.other]));
      var kind = primaryKind(p.e);
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      ctx.strokeStyle = kindColors[kind];
      ctx.lineWidth = Math.max(1.2, Math.min(4, kindSizes[kind] * zoom * 0.8));
      ctx.stroke();
    });
    recommended.forEach(function (pair) {
      var a = index[pair.a];
      var b = index[pair.b];
      if (!state.recommended || (a !== highlight.node && b !== highlight.node) || visible[a] !== 1 || visible[b] !== 1) {
        return;
      }
      var p = renderer.framedGraphToViewport(renderer.getNodeDisplayData(pair.a));
      var q = renderer.framedGraphToViewport(renderer.getNodeDisplayData(pair.b));
      ctx.beginPath();
      ctx.setLineDash([8, 5]);
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(q.x, q.y);
      ctx.strokeStyle = meta.recommended.color;
      ctx.lineWidth = 3;
      ctx.stroke();
      ctx.setLineDash([]);
    });
  }

  // ---- labels: by importance, collision-aware ----------------------------------------

  var labelCanvas = document.createElement("canvas");
  labelCanvas.id = "label-layer";
  container.appendChild(labelCanvas);
  var labelContext = labelCanvas.getContext("2d");
  var toolbar = document.getElementById("toolbar");
  var byImportance = [];
  for (i = 0; i < count; i++) {
    byImportance.push(i);
  }
  byImportance.sort(function (p, q) {
    return N.size[q] - N.size[p] || (N.name[p] < N.name[q] ? -1 : 1);
  });
  var rankOf = new Uint32Array(count);
  byImportance.forEach(function (n, rank) {
    rankOf[n] = rank;
  });
  var widths = {};
  var placedLabels = [];
  // Clear space kept around each label's ink, so that neighbours never touch.
  var LABEL_GAP_X = 3;
  var LABEL_GAP_Y = 1.5;
  // The halo (white stroke) spreads half its width beyond the glyphs.
  var HALO = 3;
  // Organisations (by size) whose labels may stand further from them when crowded.
  var IMPORTANT_LABELS = 10;

  function drawLabels() {
    var ratio = window.devicePixelRatio || 1;
    var width = container.clientWidth;
    var height = container.clientHeight;
    drawHighlightLinks(width, height, ratio);
    fitCanvas(labelCanvas, width, height, ratio);
    var ctx = labelContext;
    var currentFont = null;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    var budget = Math.max(12, Math.round((width * height) / 9000));
    var cell = 48;
    var columns = Math.ceil(width / cell) + 1;
    var grid = {};
    placedLabels = [];

    function cellsOf(box, visit) {
      var x0 = Math.max(0, Math.floor(box[0] / cell)), x1 = Math.floor(box[2] / cell);
      var y0 = Math.max(0, Math.floor(box[1] / cell)), y1 = Math.floor(box[3] / cell);
      for (var gx = x0; gx <= x1; gx++) {
        for (var gy = y0; gy <= y1; gy++) {
          if (visit(gy * columns + gx) === false) {
            return false;
          }
        }
      }
      return true;
    }

    function free(box) {
      return cellsOf(box, function (key) {
        var taken = grid[key];
        for (var t = 0; taken && t < taken.length; t++) {
          var o = taken[t];
          if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) {
            return false;
          }
        }
        return true;
      });
    }

    function occupy(box) {
      cellsOf(box, function (key) {
        (grid[key] = grid[key] || []).push(box);
      });
    }

    // Where the organisation is drawn, or null when it is hidden or out of view.
    function pointOf(n) {
      var data = renderer.getNodeDisplayData(N.id[n]);
      if (!data || data.hidden) {
        return null;
      }
      var point = renderer.framedGraphToViewport(data);
      if (point.x < 0 || point.y < 0 || point.x > width || point.y > height) {
        return null;
      }
      point.size = data.size;
      return point;
    }

    function tryLabel(n, forced, point) {
      if (!point) {
        return false;
      }
      var radius = renderer.scaleSize(point.size);
      var gap = radius + 3;
      var size = forced ? 14 : Math.round(11 + 5 * Math.max(0, 1 - rankOf[n] / 60));
      var font = (forced ? "bold " : "") + size + "px " + meta.font;
      // Setting a font makes the browser parse it: only when it changes.
      if (font !== currentFont) {
        ctx.font = font;
        currentFont = font;
      }
      var key = font + ":" + n;
      var textWidth = widths[key] || (widths[key] = ctx.measureText(N.name[n]).width);
      // Chinese glyphs fill the whole em square and Latin descenders go below it:
      // the ink is taken as 1.2 em high, centred on the text's middle line.
      var half = 0.6 * size + HALO / 2;
      // Right of the node (as sigma places labels), else left, above, below, or at a
      // corner: the first place inside the view clear of every label already drawn.
      var places = [
        [point.x + gap, point.y],
        [point.x - gap - textWidth, point.y],
        [point.x - textWidth / 2, point.y - gap - half],
        [point.x - textWidth / 2, point.y + gap + half],
        [point.x + gap, point.y - gap - half],
        [point.x + gap, point.y + gap + half],
        [point.x - gap - textWidth, point.y - gap - half],
        [point.x - gap - textWidth, point.y + gap + half]
      ];
      // The best-connected few often sit side by side: when their own places are
      // taken, they may go one or two label heights further up or down.
      if (rankOf[n] < IMPORTANT_LABELS) {
        for (var further = 1; further <= 2; further++) {
          var dy = further * (2 * half + 2 * LABEL_GAP_Y);
          places.push(
            [point.x - textWidth / 2, point.y - gap - half - dy],
            [point.x - textWidth / 2, point.y + gap + half + dy],
            [point.x + gap, point.y - dy],
            [point.x + gap, point.y + dy],
            [point.x - gap - textWidth, point.y - dy],
            [point.x - gap - textWidth, point.y + dy]
          );
        }
      }
      var ink = null;
      var padded = null;
      var left = 0;
      var middle = 0;
      for (var k = 0; k < places.length && ink === null; k++) {
        var x = places[k][0];
        var y = places[k][1];
        if (forced) {
          // The chosen organisation is always named: moved inside the view if need be.
          x = Math.max(HALO / 2, Math.min(x, width - textWidth - HALO / 2));
          y = Math.max(half, Math.min(y, height - half));
        }
        var box = [x - HALO / 2, y - half, x + textWidth + HALO / 2, y + half];
        var around = [box[0] - LABEL_GAP_X, box[1] - LABEL_GAP_Y, box[2] + LABEL_GAP_X, box[3] + LABEL_GAP_Y];
        var inside = box[0] >= 0 && box[1] >= 0 && box[2] <= width && box[3] <= height;
        if (forced || (inside && free(around))) {
          ink = box;
          padded = around;
          left = x;
          middle = y;
        }
      }
      if (ink === null) {
        return false;
      }
      occupy(padded);
      ctx.lineWidth = HALO;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.fillStyle = highlight !== null && !highlight.nodes[n] ? "#adb5bd" : "#212529";
      ctx.textBaseline = "middle";
      ctx.strokeText(N.name[n], left, middle);
      ctx.fillText(N.name[n], left, middle);
      placedLabels.push({ id: N.id[n], box: ink });
      return true;
    }

    // The buttons over the top right corner of the graph hide what is under them.
    var area = container.getBoundingClientRect();
    var buttons = toolbar.getBoundingClientRect();
    if (buttons.width > 0) {
      occupy([buttons.left - area.left, buttons.top - area.top, buttons.right - area.left, buttons.bottom - area.top]);
    }

    var placed = 0;
    if (highlight !== null) {
      tryLabel(highlight.node, true, pointOf(highlight.node));
      // Partners come best-connected first; a hub's thousands need not all be measured.
      for (var p = 0; p < highlight.order.length && placed < budget && p < 400; p++) {
        if (tryLabel(highlight.order[p], false, pointOf(highlight.order[p]))) {
          placed++;
        }
      }
      return;
    }
    // Past the first few, only organisations drawn big enough to name are candidates,
    // and the scan stops early: a frame must not wait for 20,000 text measurements.
    // Those out of view are passed over without counting, so that a zoomed-in view
    // still gets its own most important organisations named.
    var scanned = 0;
    for (var r = 0; r < byImportance.length && placed < budget && scanned < 3000; r++) {
      var n = byImportance[r];
      if (visible[n] !== 1) {
        continue;
      }
      if (r >= 30 && renderer.scaleSize(N.size[n]) < 3.5) {
        continue;
      }
      var point = pointOf(n);
      if (point === null) {
        continue;
      }
      scanned++;
      if (tryLabel(n, false, point)) {
        placed++;
      }
    }
  }
  renderer.on("afterRender", drawLabels);

  // The boxes [left, top, right, bottom] (CSS pixels in the graph area) of the labels
  // drawn in the last frame, halo included.
  function labelBoxes() {
    return placedLabels.map(function (label) {
      return label.box.slice();
    });
  }
  window.collabnetLabelBoxes = labelBoxes;

  // ---- motion: move the last picture while the camera moves -------------------------

  // Without a GPU (software WebGL), every frame of a large network costs the browser
  // far more than the page's own work: 20,000 organisations get under one frame a
  // second. While the camera moves, the last picture (links, nodes, labels) is moved
  // and scaled by the compositor instead, and drawn afresh once the camera rests.
  var stage = document.createElement("div");
  stage.id = "stage";
  container.insertBefore(stage, layers.mouse);
  [layers.edges, layers.edgeLabels, layers.nodes, layers.labels, veil, linkCanvas, layers.hovers, layers.hoverNodes, labelCanvas].forEach(
    function (layer) {
      stage.appendChild(layer);
    }
  );
  var motion = large;
  var rendered = null;
  var frames = 0;
  var movingFrame = null;
  var restTimer = null;
  var scheduleRender = renderer.scheduleRender.bind(renderer);

  function moveStage() {
    movingFrame = null;
    var size = renderer.getDimensions();
    var now = { cameraState: camera.getState() };
    var from = renderer.viewportToFramedGraph({ x: 0, y: 0 }, { cameraState: rendered });
    var to = renderer.viewportToFramedGraph({ x: size.width, y: size.height }, { cameraState: rendered });
    var p = renderer.framedGraphToViewport(from, now);
    var q = renderer.framedGraphToViewport(to, now);
    stage.style.transform =
      "translate(" + p.x + "px, " + p.y + "px) scale(" + (q.x - p.x) / size.width + ", " + (q.y - p.y) / size.height + ")";
    frames++;
  }

  renderer.scheduleRender = function () {
    if (!(motion || slowFrames) || rendered === null || renderer.needToProcess) {
      return scheduleRender();
    }
    if (movingFrame === null) {
      movingFrame = requestAnimationFrame(moveStage);
    }
    clearTimeout(restTimer);
    restTimer = setTimeout(function () {
      restTimer = null;
      renderer.render();
    }, 160);
    return renderer;
  };
  // Small networks move the picture too when a drawn frame takes longer than three
  // frames of a 60 Hz screen to show (software WebGL on a busy machine).
  var slowFrames = false;
  renderer.on("afterRender", function () {
    var drawn = performance.now();
    requestAnimationFrame(function () {
      slowFrames = performance.now() - drawn > 50;
    });
    rendered = camera.getState();
    // This picture is the current view: a redraw waiting for the camera to rest would
    // draw it again.
    clearTimeout(restTimer);
    restTimer = null;
    if (movingFrame !== null) {
      cancelAnimationFrame(movingFrame);
      movingFrame = null;
    }
    stage.style.transform = "";
    frames++;
  });

  // ---- camera -------------------------------------------------------------------------

  function fitTo(nodesToFit, animate) {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    nodesToFit.forEach(function (n) {
      var data = renderer.getNodeDisplayData(N.id[n]);
      if (data) {
        minX = Math.min(minX, data.x);
        maxX = Math.max(maxX, data.x);
        minY = Math.min(minY, data.y);
        maxY = Math.max(maxY, data.y);
      }
    });
    var target = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };
    if (minX !== Infinity) {
      var span = Math.max(maxX - minX, maxY - minY);
      target.x = (minX + maxX) / 2;
      target.y = (minY + maxY) / 2;
      target.ratio = Math.min(1.1, Math.max(0.04, span * 1.15));
    }
    if (animate === false) {
      camera.setState(target);
    } else {
      camera.animate(target, { duration: 250 });
    }
  }

  function visibleList() {
    var list = [];
    for (var n = 0; n < count; n++) {
      if (visible[n] === 1) {
        list.push(n);
      }
    }
    return list;
  }

  function fitVisible(animate) {
    fitTo(visibleList(), animate);
  }

  // ---- highlight and details -----------------------------------------------------------

  function partnersOf(n) {
    var found = [];
    for (var p = rowStart[n]; p < rowStart[n + 1]; p++) {
      var e = rowEdge[p];
      if (state.year !== null && E.year[e] !== 0 && E.year[e] > state.year) {
        continue;
      }
      found.push({ e: e, other: E.a[e] === n ? E.b[e] : E.a[e] });
    }
    return found;
  }

  function setHighlight(n) {
    if (n === null) {
      highlight = null;
      return;
    }
    var nodes = {};
    nodes[n] = true;
    var partners = partnersOf(n);
    partners.forEach(function (p) {
      nodes[p.other] = true;
    });
    var order = partners
      .map(function (p) {
        return p.other;
      })
      .sort(function (p, q) {
        return rankOf[p] - rankOf[q];
      });
    highlight = { node: n, nodes: nodes, order: order, links: partners };
  }

  var details = document.getElementById("details");

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

  function industryNames(n) {
    return N.industries[n]
      .map(function (k) {
        return meta.industries[k].zh;
      })
      .join("、");
  }

  function showDetails(n) {
    details.textContent = "";
    if (n === null) {
      details.appendChild(element("p", "点击或搜索一个机构 Click or search an organisation", "muted"));
      details.appendChild(element("h4", "合作最广的机构 best-connected organisations"));
      var top = element("ul", null, "partners");
      byImportance
        .filter(function (m) {
          return visible[m] === 1;
        })
        .slice(0, 15)
        .forEach(function (m) {
          var item = element("li");
          var button = element("button", N.name[m]);
          button.type = "button";
          button.setAttribute("data-id", N.id[m]);
          button.appendChild(element("span", meta.types[N.type[m]].zh + " · " + partnersOf(m).length, "hint"));
          button.addEventListener("click", function () {
            select(N.id[m], true);
          });
          item.appendChild(button);
          top.appendChild(item);
        });
      details.appendChild(top);
      return;
    }
    var type = meta.types[N.type[n]];
    details.appendChild(element("h3", N.name[n], "org-name"));
    var facts = element("dl", null, "facts");
    function fact(term, value) {
      facts.appendChild(element("dt", term));
      facts.appendChild(element("dd", value));
    }
    fact("编号 id", N.id[n]);
    fact("类型 type", type.zh + " " + type.en + (N.flags[n] ? " · " + N.flags[n] : ""));
    fact("产业 industries", industryNames(n) || "—");
    fact("县市区 county", N.county[n] >= 0 ? meta.counties[N.county[n]].name : "市外或未填 outside / unknown");
    meta.metrics.forEach(function (metric) {
      fact(metric.label, metric.values[n]);
    });
    details.appendChild(facts);
    var partners = partnersOf(n);
    var groups = meta.kinds.map(function () {
      return [];
    });
    partners.forEach(function (p) {
      groups[primaryKind(p.e)].push(p);
    });
    details.appendChild(element("h4", "合作方 partners: " + partners.length));
    groups.forEach(function (group, k) {
      if (!group.length) {
        return;
      }
      group.sort(function (p, q) {
        return E.records[q.e] - E.records[p.e] || rankOf[p.other] - rankOf[q.other];
      });
      var kind = meta.kinds[k];
      var head = element("div", null, "kind-head");
      var swatch = element("span", null, "line-swatch");
      swatch.style.background = kind.color;
      head.appendChild(swatch);
      head.appendChild(element("span", kind.zh + " " + kind.en + " (" + group.length + ")"));
      details.appendChild(head);
      var list = element("ul", null, "partners");
      group.slice(0, 40).forEach(function (p) {
        var item = element("li");
        var button = element("button", N.name[p.other]);
        button.type = "button";
        button.setAttribute("data-id", N.id[p.other]);
        if (E.records[p.e] > 1) {
          button.appendChild(element("span", " ×" + E.records[p.e], "hint"));
        }
        if (visible[p.other] !== 1) {
          button.appendChild(element("span", " · 已筛除 filtered out", "hint"));
        }
        button.addEventListener("click", function () {
          select(N.id[p.other], true);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (group.length > 40) {
        list.appendChild(element("li", "… 另有 " + (group.length - 40) + " more", "muted"));
      }
      details.appendChild(list);
    });
  }

  function select(id, move, quiet) {
    var n = id === null || id === undefined ? null : index[id];
    if (n === undefined) {
      n = null;
    }
    state.sel = n === null ? null : N.id[n];
    if (quiet === true) {
      setHighlight(n);
    } else {
      changeHighlight(n);
    }
    showDetails(n);
    if (n !== null && move !== false) {
      var around = highlight.order.filter(function (m) {
        return visible[m] === 1;
      });
      around.push(n);
      fitTo(around.length > 1 ? around : [n], move !== "instant");
    }
    markRecommended();
    saveHash();
  }

  // ---- controls -----------------------------------------------------------------------

  var typeBoxes = [];
  var industrySelect = document.getElementById("industry-filter");
  var countySelect = document.getElementById("county-filter");
  var colorSelect = document.getElementById("color-by");
  var allLinks = document.getElementById("all-links");
  var isolatesBox = document.getElementById("show-isolates");
  var recommendedBox = document.getElementById("show-recommended");
  var onlyBox = document.getElementById("only-recommended");
  var yearSlider = document.getElementById("year");
  var yearLabel = document.getElementById("year-label");
  var searchBox = document.getElementById("search");
  var resultList = document.getElementById("search-results");

  function option(select, value, text) {
    var choice = element("option", text);
    choice.value = value;
    select.appendChild(choice);
  }

  var edgeVisible = new Uint8Array(edgeCount);

  // `highlighted`: the highlight as it was drawn, when the caller has already changed it.
  function applyFilters(refit, full, highlighted) {
    var started = performance.now();
    var before = visible.slice();
    highlighted = highlighted || highlightNodes();
    var shown = computeVisible();
    var links = 0;
    var drawn = 0;
    var changedEdges = [];
    for (var e = 0; e < edgeCount; e++) {
      var on = edgeShown(e) ? 1 : 0;
      var inGraph = state.links === "all" || E.backbone[e] === 1;
      links += on;
      drawn += on && inGraph ? 1 : 0;
      if (on !== edgeVisible[e] && inGraph) {
        changedEdges.push("e" + e);
      }
      edgeVisible[e] = on;
    }
    if (state.sel !== null) {
      setHighlight(index[state.sel]);
    }
    showDetails(state.sel === null ? null : index[state.sel]);
    if (full === true) {
      renderer.refresh();
    } else {
      var changedNodes = highlightChanges(highlighted);
      for (var n = 0; n < count; n++) {
        if (before[n] !== visible[n]) {
          changedNodes.push(n);
        }
      }
      recommended.forEach(function (pair, number) {
        changedEdges.push("r" + number);
      });
      repaint(changedNodes, changedEdges);
    }
    var status = "显示 showing " + shown + " / " + count + " 机构 organisations · " + links + " 对合作 linked pairs";
    if (drawn < links) {
      status += " (绘出最强 " + drawn + " strongest drawn)";
    }
    document.getElementById("filter-status").textContent = status;
    if (refit !== false) {
      fitVisible(true);
    }
    buildLegend();
    saveHash();
    window.collabnet.lastFilterMs = performance.now() - started;
  }

  function readControls() {
    state.types = typeBoxes
      .filter(function (box) {
        return box.checked;
      })
      .map(function (box) {
        return box.value;
      });
    state.industry = industrySelect.value;
    state.county = countySelect.value;
    state.isolates = isolatesBox.checked;
    state.recommended = recommendedBox.checked;
    state.only = onlyBox.checked;
    if (meta.years.length) {
      state.year = meta.years[Number(yearSlider.value)];
    }
  }

  function writeControls() {
    typeBoxes.forEach(function (box) {
      box.checked = state.types.indexOf(box.value) >= 0;
    });
    industrySelect.value = state.industry;
    countySelect.value = state.county;
    colorSelect.value = state.color;
    allLinks.checked = state.links === "all";
    isolatesBox.checked = state.isolates;
    recommendedBox.checked = state.recommended;
    onlyBox.checked = state.only;
    if (meta.years.length) {
      var at = meta.years.indexOf(state.year);
      yearSlider.value = String(at < 0 ? meta.years.length - 1 : at);
      yearLabel.textContent = String(meta.years[Number(yearSlider.value)]);
    }
    searchBox.value = state.q;
  }

  function onFilterChange() {
    readControls();
    writeControls();
    applyFilters(true);
  }

  function buildControls() {
    var types = document.getElementById("type-filters");
    meta.types.forEach(function (type) {
      var label = element("label");
      var box = element("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = type.code;
      box.setAttribute("data-type", type.code);
      box.addEventListener("change", onFilterChange);
      label.appendChild(box);
      var swatch = element("span", null, "dot-swatch");
      swatch.style.background = type.color;
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(type.zh + " " + type.en + " (" + type.count + ")"));
      types.appendChild(label);
      typeBoxes.push(box);
    });
    option(industrySelect, ALL, "全部 all");
    meta.industries.forEach(function (industry) {
      option(industrySelect, industry.code, industry.zh + " " + industry.en + " (" + industry.count + ")");
    });
    option(countySelect, ALL, "全部 all");
    meta.counties.forEach(function (county) {
      option(countySelect, county.name, county.name + " (" + county.count + ")");
    });
    [industrySelect, countySelect, isolatesBox, recommendedBox, onlyBox].forEach(function (control) {
      control.addEventListener("change", onFilterChange);
    });
    option(colorSelect, "type", "类型 type");
    if (meta.industries.length) {
      option(colorSelect, "industry", "产业 industry");
    }
    option(colorSelect, "community", "社区 community (Louvain)");
    colorSelect.addEventListener("change", function () {
      state.color = colorSelect.value;
      repaint(byImportance);
      buildLegend();
      saveHash();
    });
    allLinks.addEventListener("change", function () {
      state.links = allLinks.checked ? "all" : "backbone";
      drawLinks();
      edgeVisible.fill(0);
      applyFilters(false, true);
    });
    if (meta.backbone.all_drawn) {
      document.getElementById("links-control").hidden = true;
    } else {
      document.getElementById("all-links-label").textContent =
        "显示全部 " + edgeCount + " 对合作 all linked pairs (默认最强 " + meta.backbone.count + " strongest)";
    }
    document.getElementById("isolates-label").textContent =
      "显示孤立机构 isolates (" + meta.isolates.count + ")";
    if (meta.isolates.count === 0) {
      document.getElementById("isolates-control").hidden = true;
    }
    document.getElementById("recommended-label").textContent =
      meta.recommended.zh + " " + meta.recommended.en + " (" + recommended.length + ")";
    if (recommended.length === 0) {
      document.getElementById("recommended-controls").hidden = true;
      document.getElementById("recommendations").hidden = true;
    }
    if (meta.years.length > 1) {
      yearSlider.min = "0";
      yearSlider.max = String(meta.years.length - 1);
      yearSlider.value = String(meta.years.length - 1);
      yearSlider.addEventListener("input", onFilterChange);
    } else {
      document.getElementById("time-control").hidden = true;
    }
    document.getElementById("reset").addEventListener("click", reset);
    document.getElementById("fit").addEventListener("click", function () {
      fitVisible(true);
    });
    document.getElementById("export").addEventListener("click", exportPng);
    searchBox.addEventListener("input", function () {
      state.q = searchBox.value;
      renderResults();
      saveHash();
    });
    searchBox.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var found = renderResults();
        if (found.length > 0) {
          select(N.id[found[0]], true);
        }
      }
    });
  }

  function reset() {
    state = JSON.parse(JSON.stringify(defaults));
    var relink = state.links !== (allLinks.checked ? "all" : "backbone");
    if (relink) {
      drawLinks();
      edgeVisible.fill(0);
    }
    writeControls();
    resultList.textContent = "";
    focusedPair = null;
    var highlighted = highlightNodes();
    select(null, false, true);
    applyFilters(true, relink, highlighted);
  }

  // ---- legend -------------------------------------------------------------------------

  function legendRow(color, text, line) {
    var row = element("div", null, "legend-row");
    var swatch = element("span", null, line ? "line-swatch" : "dot-swatch");
    swatch.style.background = color;
    row.appendChild(swatch);
    row.appendChild(element("span", text));
    return row;
  }

  function buildLegend() {
    var legend = document.getElementById("legend");
    legend.textContent = "";
    if (state.color === "type") {
      meta.types.forEach(function (type) {
        legend.appendChild(legendRow(type.color, type.zh + " " + type.en));
      });
    } else if (state.color === "industry") {
      legend.appendChild(element("div", "颜色 = 首个产业 colour = first industry", "legend-note muted"));
      meta.industries.forEach(function (industry) {
        legend.appendChild(legendRow(industry.color, industry.zh + " " + industry.en));
      });
      legend.appendChild(legendRow(meta.no_industry_color, "无产业 no industry"));
    } else {
      legend.appendChild(element("div", meta.community_note, "legend-note muted"));
      meta.communities.forEach(function (community, c) {
        legend.appendChild(legendRow(community.color, "#" + (c + 1) + " " + community.label + " (" + community.size + ")"));
      });
      legend.appendChild(legendRow(meta.small_community_color, "其他小社区 other small communities"));
    }
    legend.appendChild(element("div", "连接 Links", "legend-note muted"));
    meta.kinds.forEach(function (kind) {
      if (kind.count > 0) {
        legend.appendChild(legendRow(kind.color, kind.zh + " " + kind.en + " (" + kind.count + ")", true));
      }
    });
    if (recommended.length) {
      legend.appendChild(legendRow(meta.recommended.color, meta.recommended.zh + " " + meta.recommended.en, true));
    }
    legend.appendChild(element("div", "大小 size = " + meta.size_label, "legend-note muted"));
  }

  // ---- search -------------------------------------------------------------------------

  function normalise(text) {
    return String(text).toLowerCase().replace(/\s+/g, "");
  }

  var searchKeys = N.name.map(function (name, n) {
    return normalise(name) + "\u0000" + normalise(N.id[n]);
  });

  function search(query) {
    var probe = normalise(query);
    if (probe === "") {
      return [];
    }
    var hits = [];
    for (var n = 0; n < count; n++) {
      if (searchKeys[n].indexOf(probe) >= 0) {
        hits.push(n);
      }
    }
    hits.sort(function (p, q) {
      var ps = searchKeys[p].indexOf(probe) === 0 ? 0 : 1;
      var qs = searchKeys[q].indexOf(probe) === 0 ? 0 : 1;
      return ps - qs || N.name[p].length - N.name[q].length || rankOf[p] - rankOf[q];
    });
    return hits.slice(0, 30);
  }

  function renderResults() {
    var found = search(searchBox.value);
    resultList.textContent = "";
    found.forEach(function (n) {
      var item = element("li");
      var button = element("button");
      button.type = "button";
      button.setAttribute("data-id", N.id[n]);
      button.appendChild(element("span", N.name[n], "name"));
      var hint = meta.types[N.type[n]].zh + (visible[n] === 1 ? "" : " · 已筛除 filtered out");
      button.appendChild(element("span", hint, "hint"));
      button.addEventListener("click", function () {
        select(N.id[n], true);
      });
      item.appendChild(button);
      resultList.appendChild(item);
    });
    if (searchBox.value.trim() !== "" && found.length === 0) {
      resultList.appendChild(element("li", "无匹配 no match", "muted"));
    }
    return found;
  }

  // ---- recommended pairs --------------------------------------------------------------

  var pairList = document.getElementById("pair-list");

  function buildPairs() {
    recommended.forEach(function (pair, number) {
      var item = element("li");
      var button = element("button", null, "pair");
      button.type = "button";
      button.setAttribute("data-pair", String(number));
      var head = element("div", null, "pair-head");
      head.appendChild(element("span", "#" + pair.rank, "rank"));
      head.appendChild(element("span", N.name[index[pair.a]], "name"));
      head.appendChild(element("span", " — ", "muted"));
      head.appendChild(element("span", N.name[index[pair.b]], "name"));
      button.appendChild(head);
      if (pair.score !== null) {
        button.appendChild(element("div", meta.score_label + " " + pair.score, "score"));
      }
      pair.reasons.slice(0, 3).forEach(function (reason) {
        button.appendChild(element("div", "· " + reason, "reason"));
      });
      button.addEventListener("click", function () {
        focusPair(number);
      });
      item.appendChild(button);
      pairList.appendChild(item);
    });
  }

  var focusedPair = null;

  function focusPair(number) {
    var pair = recommended[number];
    var before = highlightNodes();
    select(pair.a, false, true);
    focusedPair = number;
    highlight.nodes[index[pair.b]] = true;
    repaint(highlightChanges(before));
    fitTo([index[pair.a], index[pair.b]], true);
    markRecommended();
  }

  function markRecommended() {
    Array.prototype.forEach.call(pairList.children, function (item, number) {
      var pair = recommended[number];
      var on = focusedPair === number && state.sel === pair.a;
      item.firstChild.classList.toggle("active", on);
    });
  }

  // ---- export and the URL hash ---------------------------------------------------------

  function snapshotCanvas() {
    // WebGL canvases keep their pixels only until the frame is shown: draw, then copy.
    renderer.render();
    var dimensions = renderer.getDimensions();
    var ratio = window.devicePixelRatio || 1;
    var out = document.createElement("canvas");
    out.width = Math.round(dimensions.width * ratio);
    out.height = Math.round(dimensions.height * ratio);
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    [layers.edges, layers.nodes, veil, linkCanvas, layers.hovers, layers.hoverNodes, labelCanvas].forEach(
      function (layer) {
        if (layer === veil) {
          if (!veil.hidden) {
            ctx.fillStyle = "rgba(255, 255, 255, 0.78)";
            ctx.fillRect(0, 0, out.width, out.height);
          }
        } else {
          ctx.drawImage(layer, 0, 0, out.width, out.height);
        }
      }
    );
    return out;
  }

  function exportPng() {
    var canvas = snapshotCanvas();
    canvas.toBlob(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "collabnet-network.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () {
        URL.revokeObjectURL(link.href);
      }, 1000);
    }, "image/png");
  }

  var hashReady = false;

  function saveHash() {
    if (!hashReady) {
      return;
    }
    var parts = [];
    function put(key, value) {
      parts.push(key + "=" + encodeURIComponent(value));
    }
    if (state.q) put("q", state.q);
    if (state.sel !== null) put("sel", state.sel);
    if (state.types.length !== defaults.types.length) put("types", state.types.join(","));
    if (state.industry !== ALL) put("industry", state.industry);
    if (state.county !== ALL) put("county", state.county);
    if (state.year !== defaults.year) put("year", state.year);
    if (state.color !== defaults.color) put("color", state.color);
    if (state.links !== defaults.links) put("links", state.links);
    if (state.isolates !== defaults.isolates) put("isolates", state.isolates ? 1 : 0);
    if (!state.recommended) put("rec", 0);
    if (state.only) put("only", 1);
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash) {
      history.replaceState(null, "", hash || location.pathname + location.search);
    }
  }

  function loadHash() {
    var text = location.hash.replace(/^#/, "");
    if (!text) {
      return false;
    }
    text.split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 0) return;
      var key = part.slice(0, at);
      var value = decodeURIComponent(part.slice(at + 1));
      if (key === "q") state.q = value;
      else if (key === "sel") state.sel = index[value] === undefined ? null : value;
      else if (key === "types") state.types = value ? value.split(",") : [];
      else if (key === "industry") state.industry = value;
      else if (key === "county") state.county = value;
      else if (key === "year" && meta.years.indexOf(Number(value)) >= 0) state.year = Number(value);
      else if (key === "color") state.color = value;
      else if (key === "links") state.links = value === "all" ? "all" : "backbone";
      else if (key === "isolates") state.isolates = value === "1";
      else if (key === "rec") state.recommended = value !== "0";
      else if (key === "only") state.only = value === "1";
    });
    return true;
  }

  // ---- start --------------------------------------------------------------------------

  var summary = (meta.as_of === null ? "" : "截至 as of " + meta.as_of + " · ") + count + " 机构 organisations · " +
    edgeCount + " 对合作 linked pairs";
  if (meta.records !== edgeCount) {
    summary += " (" + meta.records + " 条合作记录 link records)";
  }
  document.getElementById("summary").textContent = summary;
  document.getElementById("pairs-note").textContent = meta.pairs_note;

  window.collabnet = {
    renderer: renderer,
    graph: graph,
    meta: meta,
    nodes: N,
    edges: E,
    state: function () {
      return JSON.parse(JSON.stringify(state));
    },
    visibleIds: function () {
      return visibleList().map(function (n) {
        return N.id[n];
      });
    },
    drawnLinks: function () {
      var out = [];
      graph.forEachEdge(function (key, attributes, source, target) {
        var data = renderer.getEdgeDisplayData(key);
        if (!attributes.recommended && data && !data.hidden) {
          out.push([source, target]);
        }
      });
      return out;
    },
    labels: function () {
      return placedLabels.map(function (label) {
        return label.id;
      });
    },
    labelBoxes: labelBoxes,
    highlighted: function () {
      return highlight === null ? [] : Object.keys(highlight.nodes).map(function (n) {
        return N.id[Number(n)];
      });
    },
    search: function (query) {
      return search(query).map(function (n) {
        return N.id[n];
      });
    },
    select: select,
    fit: fitVisible,
    snapshot: function () {
      return snapshotCanvas().toDataURL("image/png");
    },
    applyFilters: applyFilters,
    frames: function () {
      return frames;
    },
    lastFilterMs: 0
  };

  buildControls();
  buildPairs();
  var fromHash = loadHash();
  writeControls();
  if (state.links === "all") {
    drawLinks();
  }
  if (state.q) {
    renderResults();
  }
  if (state.sel === null) {
    // Frame the view before the first picture is drawn, not after: drawing it again at
    // the fitted view would cost a second full frame.
    computeVisible();
    fitVisible(false);
  }
  applyFilters(false, true);
  if (state.sel !== null) {
    select(state.sel, "instant");
  }
  hashReady = true;
  if (fromHash) {
    saveHash();
  }

  renderer.on("enterNode", function (event) {
    if (state.sel === null) {
      changeHighlight(index[event.node]);
    }
  });
  renderer.on("leaveNode", function () {
    if (state.sel === null && highlight !== null) {
      changeHighlight(null);
    }
  });
  renderer.on("clickNode", function (event) {
    select(event.node, false);
  });
  renderer.on("clickStage", function () {
    if (state.sel !== null) {
      focusedPair = null;
      select(null, false);
    }
  });

  // Ready once the first frame with every control wired has been drawn.
  requestAnimationFrame(function () {
    window.collabnetReady = true;
    window.collabnetReadyAt = performance.now();
    document.body.setAttribute("data-ready", "true");
  });
})();
