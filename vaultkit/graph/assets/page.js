/* vaultkit graph page: reads the JSON in #graph-data and draws it with force-graph.
 *
 * Every string from the vault is written with textContent, except a node's summary, which
 * vaultkit rendered to HTML with raw HTML escaped and links checked before it built the page.
 * The page writes its state into the DOM for tests and scripts: body[data-ready="true"] once the
 * graph is drawn, body[data-settled="true"] once the layout has stopped, body[data-error] if a
 * script error happened, and #node-count / #edge-count carry data-count.
 */
(function () {
  "use strict";

  var body = document.body;

  function showError(message) {
    body.setAttribute("data-error", message);
    var box = document.getElementById("page-error");
    box.textContent = "The graph page hit an error: " + message;
    box.hidden = false;
  }
  window.addEventListener("error", function (event) {
    showError(String(event.message || event.error || "unknown error"));
  });

  if (typeof ForceGraph !== "function") {
    showError("the force-graph library did not load");
    return;
  }

  var KIND_COLOURS = { note: "#4e79a7", topic: "#f28e2b", missing: "#e15759", attachment: "#59a14f" };
  var KIND_ORDER = ["note", "topic", "attachment", "missing"];
  var OTHER_COLOUR = "#9aa0a6";
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
    "#ff9da7", "#9c755f", "#17becf", "#bcbd22", "#8c6d31", "#6b6ecf"];
  var UNRESOLVED_GROUP = "(unresolved)";
  var LINK_COLOURS = { wikilink: "#7d8791", embed: "#59a14f", markdown: "#4f9a94",
    topic: "#e8a25c", related: "#9b59b6" };
  var HUB_LABELS = 25;
  var MAX_FIT_ZOOM = 2.5;
  var NODE_SIZE = 4;  // force-graph's nodeRelSize: radius = sqrt(val) * NODE_SIZE

  var data = JSON.parse(document.getElementById("graph-data").textContent);

  // --- the model ---------------------------------------------------------------------------
  var nodes = data.nodes.map(function (n, i) {
    n.i = i;
    n.out = [];
    n.inn = [];
    n.adj = new Set();
    n.key = (n.title + "\n" + (n.path || n.id)).normalize("NFKC").toLowerCase();
    n.titleKey = n.title.normalize("NFKC").toLowerCase();
    return n;
  });
  var byId = new Map(nodes.map(function (n) { return [n.id, n]; }));
  var edges = data.edges.map(function (e) {
    return { s: e[0], t: e[1], kind: e[2], reason: e[3] || "", line: e[4] };
  });
  var links = [];
  var linkAlpha;
  var pairs = new Map();
  edges.forEach(function (e) {
    nodes[e.s].out.push(e);
    nodes[e.t].inn.push(e);
    if (e.s === e.t) return;
    nodes[e.s].adj.add(e.t);
    nodes[e.t].adj.add(e.s);
    var key = e.s * nodes.length + e.t;
    if (!pairs.has(key)) {
      var link = { source: e.s, target: e.t, kind: e.kind };
      pairs.set(key, link);
      links.push(link);
    }
  });
  linkAlpha = links.length > 4000 ? 0.2 : links.length > 800 ? 0.32 : 0.5;
  nodes.forEach(function (n) {
    n.degree = n.adj.size;
    n.val = 1 + Math.sqrt(n.degree) * 1.4;
  });
  nodes.slice().sort(function (a, b) { return b.degree - a.degree; })
    .slice(0, HUB_LABELS)
    .forEach(function (n) { if (n.degree >= 2) n.hub = true; });

  // Folder groups, largest first, each with its own colour while the palette lasts.
  var groupCounts = countBy(nodes, function (n) { return n.group; });
  var groupNames = Array.from(groupCounts.keys()).sort(function (a, b) {
    if ((a === UNRESOLVED_GROUP) !== (b === UNRESOLVED_GROUP)) return a === UNRESOLVED_GROUP ? 1 : -1;
    return groupCounts.get(b) - groupCounts.get(a) || (a < b ? -1 : a > b ? 1 : 0);
  });
  var groupColours = new Map();
  groupNames.forEach(function (g, i) {
    groupColours.set(g, g === UNRESOLVED_GROUP ? KIND_COLOURS.missing
      : i < PALETTE.length ? PALETTE[i] : OTHER_COLOUR);
  });
  var kindCounts = countBy(nodes, function (n) { return n.kind; });
  var kindNames = Array.from(kindCounts.keys()).sort(function (a, b) {
    var ia = KIND_ORDER.indexOf(a), ib = KIND_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : 1);
  });

  // --- the view state ----------------------------------------------------------------------
  var mode = "kind";         // colour by "kind" or "group" (top folder)
  var hidden = new Set();    // "kind:note", "group:01-博客": legend entries switched off
  var selected = null;
  var matches = null;        // Set of node indices matching the search, or null
  var focus = null;          // Set of node indices drawn at full strength, or null for all
  var userMoved = false;

  function baseColour(n) {
    return mode === "kind" ? (KIND_COLOURS[n.kind] || OTHER_COLOUR) : groupColours.get(n.group);
  }
  function isVisible(n) {
    return !hidden.has("kind:" + n.kind) && !hidden.has("group:" + n.group);
  }
  function isFocused(n) { return !focus || focus.has(n.i); }
  function endIndex(end) { return typeof end === "object" ? end.i : end; }
  function touchesSelected(l) {
    return selected !== null &&
      (endIndex(l.source) === selected.i || endIndex(l.target) === selected.i);
  }

  // --- the graph ---------------------------------------------------------------------------
  // force-graph lays out, draws the links and handles zoom, pan, hover and clicks; this page
  // draws the nodes and labels itself after each frame, batched by colour (one path per colour
  // instead of one per node keeps 5,000 nodes fast even without a GPU) and labels on top.
  var container = document.getElementById("graph");
  var big = nodes.length > 2000 || links.length > 6000;
  var ticks = 0;

  var fg = new ForceGraph(container)
    .width(container.clientWidth)
    .height(container.clientHeight)
    .backgroundColor("#fbfbfa")
    .nodeId("i")
    .nodeVal("val")
    .nodeRelSize(NODE_SIZE)
    .nodeLabel(function (n) {
      return "<b>" + escapeHtml(n.title) + "</b><br><small>" + escapeHtml(n.path || n.id) + "</small>";
    })
    .nodeCanvasObjectMode(function () { return "replace"; })
    .nodeCanvasObject(function () { /* drawn in drawNodes, after the links */ })
    .linkPointerAreaPaint(function () { /* links are not clickable: skip their hit areas */ })
    .linkDirectionalArrowRelPos(1)
    .d3AlphaDecay(big ? 0.045 : 0.0228)
    .d3VelocityDecay(big ? 0.5 : 0.4)
    .cooldownTime(big ? 30000 : 15000)
    .onRenderFramePost(drawNodes)
    .onNodeClick(function (n) { select(n, false); })
    .onBackgroundClick(function () { select(null); })
    .onEngineTick(function () {
      ticks += 1;
      if (ticks === 30 && !userMoved) {
        if (selected) centreOn(selected, 0); else fitView(0);
      }
    })
    .onEngineStop(function () {
      if (body.getAttribute("data-settled") !== "true") {
        if (!userMoved) {
          if (selected) centreOn(selected, 400); else fitView(400);
        }
        body.setAttribute("data-settled", "true");
      }
    });
  fg.d3Force("charge").strength(big ? -28 : -45).distanceMax(big ? 500 : 800).theta(big ? 1.1 : 0.9);
  fg.d3Force("link").distance(function (l) { return l.kind === "topic" ? 45 : 30; });
  // A weak pull to the centre keeps unlinked notes and small islands close to the rest, so
  // "fit" does not shrink the main component to a dot.
  fg.d3Force("gravity", function (alpha) {
    nodes.forEach(function (n) {
      var k = (n.degree === 0 ? 0.06 : 0.012) * alpha;
      n.vx -= n.x * k;
      n.vy -= n.y * k;
    });
  });
  applyVisibility();
  applyStyle();
  fg.graphData({ nodes: nodes, links: links });

  ["pointerdown", "wheel"].forEach(function (type) {
    container.addEventListener(type, function () { userMoved = true; }, { passive: true });
  });
  window.addEventListener("resize", function () {
    fg.width(container.clientWidth).height(container.clientHeight);
  });

  // State lives on the nodes and links; fresh accessor functions make force-graph redraw even
  // after the layout has stopped.
  function applyVisibility() {
    nodes.forEach(function (n) { n.visible = isVisible(n); });
    fg.nodeVisibility(function (n) { return n.visible; });
    fg.linkVisibility(function (l) {
      return nodes[endIndex(l.source)].visible && nodes[endIndex(l.target)].visible;
    });
  }

  function applyStyle() {
    nodes.forEach(function (n) {
      var colour = baseColour(n);
      n.fill = isFocused(n) ? colour : fade(colour, 0.14);
    });
    links.forEach(function (l) {
      var near = touchesSelected(l);
      var colour = LINK_COLOURS[l.kind] || OTHER_COLOUR;
      l.colour = near ? fade(colour, 0.9) : focus ? "rgba(160,166,172,0.06)" : fade(colour, linkAlpha);
      l.width = near ? 1.6 : 0.6;
      l.arrow = near ? 5 : 0;
    });
    fg.nodeColor(function (n) { return n.fill; });
    fg.linkColor(function (l) { return l.colour; });
    fg.linkWidth(function (l) { return l.width; });
    fg.linkDirectionalArrowLength(function (l) { return l.arrow; });
  }

  function drawNodes(ctx, scale) {
    var w = container.clientWidth, h = container.clientHeight;
    var a = fg.screen2GraphCoords(0, 0), b = fg.screen2GraphCoords(w, h);
    var margin = 40 / scale;
    var x0 = a.x - margin, y0 = a.y - margin, x1 = b.x + margin, y1 = b.y + margin;
    var dim = new Map(), bright = new Map(), labelled = [];
    nodes.forEach(function (n) {
      if (!n.visible || n.x === undefined || n.x < x0 || n.x > x1 || n.y < y0 || n.y > y1) return;
      var batches = isFocused(n) ? bright : dim;
      var batch = batches.get(n.fill);
      if (batch) batch.push(n); else batches.set(n.fill, [n]);
      if (wantsLabel(n, scale)) labelled.push(n);
    });
    [dim, bright].forEach(function (batches) {
      // Colours whose largest node is larger are drawn later, so hubs stay on top.
      Array.from(batches.entries()).map(function (entry) {
        var top = entry[1].reduce(function (m, n) { return Math.max(m, n.val); }, 0);
        return { colour: entry[0], nodes: entry[1], top: top };
      }).sort(function (p, q) { return p.top - q.top; }).forEach(function (batch) {
        ctx.beginPath();
        batch.nodes.forEach(function (n) {
          var r = radius(n);
          ctx.moveTo(n.x + r, n.y);
          ctx.arc(n.x, n.y, r, 0, 2 * Math.PI);
        });
        ctx.fillStyle = batch.colour;
        ctx.fill();
      });
    });
    if (selected && selected.visible && selected.x !== undefined) {
      ctx.beginPath();
      ctx.arc(selected.x, selected.y, radius(selected), 0, 2 * Math.PI);
      ctx.fillStyle = selected.fill;
      ctx.fill();
      ctx.beginPath();
      ctx.arc(selected.x, selected.y, radius(selected) + 2.5 / scale, 0, 2 * Math.PI);
      ctx.lineWidth = 2 / scale;
      ctx.strokeStyle = "#1f2328";
      ctx.stroke();
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    labelled.sort(function (p, q) { return labelRank(p) - labelRank(q) || q.degree - p.degree; });
    var taken = new LabelGrid(80 / scale);
    labelled.forEach(function (n) { drawLabel(n, ctx, scale, taken); });
  }

  function labelRank(n) {
    return n === selected ? 0 : matches !== null && matches.has(n.i) ? 1 : n.hub ? 2
      : selected !== null && selected.adj.has(n.i) ? 3 : 4;
  }

  // Boxes of the labels drawn so far in this frame, in a coarse grid: a label that would
  // overlap one drawn before it (a more important one) is left out.
  function LabelGrid(cell) {
    this.cell = cell;
    this.cells = new Map();
  }
  LabelGrid.prototype.keys = function (box) {
    var keys = [];
    for (var gx = Math.floor(box.x0 / this.cell); gx <= Math.floor(box.x1 / this.cell); gx++) {
      for (var gy = Math.floor(box.y0 / this.cell); gy <= Math.floor(box.y1 / this.cell); gy++) {
        keys.push(gx + "," + gy);
      }
    }
    return keys;
  };
  LabelGrid.prototype.place = function (box, force) {
    var keys = this.keys(box), cells = this.cells;
    var clash = !force && keys.some(function (key) {
      return (cells.get(key) || []).some(function (o) {
        return box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1;
      });
    });
    if (clash) return false;
    keys.forEach(function (key) {
      if (cells.has(key)) cells.get(key).push(box); else cells.set(key, [box]);
    });
    return true;
  };

  function radius(n) { return Math.sqrt(n.val) * NODE_SIZE; }

  function wantsLabel(n, scale) {
    if (n === selected || (matches !== null && matches.has(n.i))) return true;
    if (selected !== null && selected.adj.has(n.i)) return true;
    return isFocused(n) && (n.hub || scale >= 2.2);
  }

  function drawLabel(n, ctx, scale, taken) {
    var strong = n === selected || n.hub;
    var px = (strong ? 13 : 11) / scale;
    var text = n.title.length > 28 ? n.title.slice(0, 27) + "…" : n.title;
    var y = n.y + radius(n) + 1.5 / scale;
    ctx.font = (strong ? "600 " : "") + px + "px system-ui, sans-serif";
    var half = ctx.measureText(text).width / 2;
    var box = { x0: n.x - half, x1: n.x + half, y0: y, y1: y + px * 1.2 };
    if (!taken.place(box, n === selected)) return;
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "rgba(251,251,250,0.9)";
    ctx.strokeText(text, n.x, y);
    ctx.fillStyle = "#1f2328";
    ctx.fillText(text, n.x, y);
  }

  // --- header: counts, colour mode, fit ---------------------------------------------------
  setCount("node-count", nodes.length);
  setCount("edge-count", edges.length);
  document.querySelectorAll('input[name="colour"]').forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) setMode(radio.value); });
  });
  document.getElementById("fit").addEventListener("click", function () { fitView(400); });

  // Fit the visible nodes, but never zoom a small graph in so far that its nodes look huge.
  function fitView(ms) {
    fg.zoomToFit(ms, 40, function (n) { return n.visible; });
    setTimeout(function () { if (fg.zoom() > MAX_FIT_ZOOM) fg.zoom(MAX_FIT_ZOOM, 200); }, ms + 20);
  }

  function setCount(id, count) {
    var el = document.getElementById(id);
    el.setAttribute("data-count", String(count));
    el.textContent = count.toLocaleString("en-US");
  }

  function setMode(newMode) {
    mode = newMode === "group" ? "group" : "kind";
    document.querySelectorAll('input[name="colour"]').forEach(function (radio) {
      radio.checked = radio.value === mode;
    });
    body.setAttribute("data-colour-mode", mode);
    renderLegend();
    applyStyle();
  }

  // --- legend --------------------------------------------------------------------------------
  function renderLegend() {
    var list = document.getElementById("legend-items");
    list.textContent = "";
    var names = mode === "kind" ? kindNames : groupNames;
    var counts = mode === "kind" ? kindCounts : groupCounts;
    var prefix = mode === "kind" ? "kind:" : "group:";
    names.forEach(function (name) {
      var key = prefix + name;
      var li = el("li", null, null);
      li.setAttribute("data-key", key);
      li.title = "Click to hide or show";
      var swatch = el("span", "swatch", null);
      swatch.style.background = mode === "kind" ? (KIND_COLOURS[name] || OTHER_COLOUR)
        : groupColours.get(name);
      li.append(swatch, el("span", "name", name), el("span", "n", counts.get(name).toLocaleString("en-US")));
      if (hidden.has(key)) li.classList.add("off");
      li.addEventListener("click", function () {
        if (hidden.has(key)) hidden.delete(key); else hidden.add(key);
        li.classList.toggle("off", hidden.has(key));
        applyVisibility();
      });
      list.appendChild(li);
    });
  }

  // --- search --------------------------------------------------------------------------------
  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var shown = [];
  var active = -1;

  input.addEventListener("input", function () { search(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!shown.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      Array.from(results.children).forEach(function (li, i) {
        li.classList.toggle("active", i === active);
        if (i === active) li.scrollIntoView({ block: "nearest" });
      });
    } else if (event.key === "Enter") {
      if (shown.length) pick(shown[Math.max(active, 0)]);
    } else if (event.key === "Escape") {
      input.value = "";
      search("");
    }
  });
  document.addEventListener("click", function (event) {
    if (!document.getElementById("search-box").contains(event.target)) results.hidden = true;
  });
  input.addEventListener("focus", function () { if (shown.length) results.hidden = false; });

  function search(query) {
    var terms = query.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean);
    results.textContent = "";
    active = -1;
    if (!terms.length) {
      shown = [];
      matches = null;
      status.textContent = "";
      results.hidden = true;
      body.removeAttribute("data-matches");
      refocus();
      return 0;
    }
    var phrase = terms.join(" ");
    var found = nodes.filter(function (n) {
      return terms.every(function (t) { return n.key.indexOf(t) >= 0; });
    });
    found.sort(function (a, b) {
      return rank(a) - rank(b) || b.degree - a.degree || a.title.length - b.title.length;
    });
    function rank(n) {
      return n.titleKey === phrase ? 0 : n.titleKey.indexOf(phrase) === 0 ? 1
        : n.titleKey.indexOf(phrase) >= 0 ? 2 : 3;
    }
    matches = new Set(found.map(function (n) { return n.i; }));
    shown = found.slice(0, 50);
    shown.forEach(function (n) {
      var li = el("li", null, null);
      li.setAttribute("data-id", n.id);
      li.append(el("span", "r-title", n.title), el("span", "r-path", n.path || n.id));
      li.addEventListener("click", function () { pick(n); });
      results.appendChild(li);
    });
    status.textContent = found.length === 1 ? "1 match" : found.length.toLocaleString("en-US") + " matches";
    results.hidden = shown.length === 0;
    body.setAttribute("data-matches", String(found.length));
    refocus();
    return found.length;
  }

  function pick(n) {
    results.hidden = true;
    select(n, true);
  }

  // --- selection and the details panel -------------------------------------------------------
  var details = document.getElementById("details");
  document.getElementById("close-details").addEventListener("click", function () { select(null); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target !== input && selected) select(null);
  });

  function refocus() {
    if (selected) {
      focus = new Set(selected.adj);
      focus.add(selected.i);
    } else {
      focus = matches;
    }
    applyStyle();
  }

  function select(n, move) {
    selected = n || null;
    refocus();
    if (!selected) {
      details.hidden = true;
      body.removeAttribute("data-selected");
      setHash("");
      return;
    }
    body.setAttribute("data-selected", n.id);
    setHash(n.id);
    if (isVisible(n) === false) {
      hidden.delete("kind:" + n.kind);
      hidden.delete("group:" + n.group);
      renderLegend();
      applyVisibility();
    }
    showDetails(n);
    if (move && n.x !== undefined) {
      userMoved = true;
      centreOn(n, 600);
    }
  }

  function showDetails(n) {
    details.hidden = false;
    details.scrollTop = 0;
    var badge = document.getElementById("d-kind");
    badge.textContent = n.kind;
    badge.style.background = KIND_COLOURS[n.kind] || OTHER_COLOUR;
    document.getElementById("d-title").textContent = n.title;

    var facts = document.getElementById("d-facts");
    facts.textContent = "";
    [["Path", n.path], ["Target", n.kind === "missing" ? n.id.replace(/^missing:/, "") : ""],
     ["Folder", n.folder], ["Date", n.date], ["Author", n.author]].forEach(function (fact) {
      if (fact[1]) facts.append(el("dt", null, fact[0]), el("dd", null, fact[1]));
    });

    var topics = document.getElementById("d-topics");
    topics.textContent = "";
    (n.topics || []).forEach(function (id) {
      var target = byId.get(id);
      var li = el("li", null, null);
      if (target) {
        var button = el("button", null, target.title);
        button.type = "button";
        button.title = target.path || target.id;
        button.setAttribute("data-id", target.id);
        button.addEventListener("click", function () { select(target, true); });
        li.appendChild(button);
      } else {
        li.appendChild(el("span", "absent", id.replace(/^missing:/, "")));
      }
      topics.appendChild(li);
    });
    document.getElementById("d-topics-box").hidden = !(n.topics && n.topics.length);

    // Rendered by vaultkit with mistune (raw HTML escaped, unsafe links removed).
    document.getElementById("d-summary").innerHTML = n.summary || "";
    document.getElementById("d-summary-box").hidden = !n.summary;

    neighbourList("d-out", n.out, "t");
    neighbourList("d-in", n.inn, "s");
  }

  function neighbourList(id, list, end) {
    var ul = document.getElementById(id);
    ul.textContent = "";
    document.getElementById(id + "-count").textContent = "(" + list.length + ")";
    document.getElementById(id + "-box").hidden = list.length === 0;
    var order = { related: 0, wikilink: 1, markdown: 2, embed: 3, topic: 4 };
    var sorted = list.slice().sort(function (a, b) {
      return (order[a.kind] === undefined ? 9 : order[a.kind]) - (order[b.kind] === undefined ? 9 : order[b.kind]) ||
        nodes[a[end]].title.localeCompare(nodes[b[end]].title);
    });
    sorted.slice(0, 200).forEach(function (e) {
      var other = nodes[e[end]];
      var li = el("li", null, null);
      var button = el("button", null, other.title);
      button.type = "button";
      button.title = (other.path || other.id) + (e.line ? " (line " + e.line + ")" : "");
      button.setAttribute("data-id", other.id);
      button.addEventListener("click", function () { select(other, true); });
      li.append(button, el("span", "edge-kind", e.kind));
      if (e.reason) li.appendChild(el("span", "reason", e.reason));
      ul.appendChild(li);
    });
    if (sorted.length > 200) ul.appendChild(el("li", "more", "… and " + (sorted.length - 200) + " more"));
  }

  // Centre a node in the part of the canvas the details panel leaves free, zoomed in enough
  // to read its neighbours' labels.
  function centreOn(n, ms) {
    var k = Math.max(fg.zoom(), 2.4);
    fg.centerAt(n.x + details.offsetWidth / 2 / k, n.y, ms);
    if (fg.zoom() < k) fg.zoom(k, ms);
  }

  function setHash(id) {
    try {
      history.replaceState(null, "", id ? "#" + encodeURIComponent(id) : location.pathname + location.search);
    } catch (ignored) { /* some file:// contexts refuse; the hash is a convenience only */ }
  }

  // --- helpers -------------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== null && text !== undefined) node.textContent = text;
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fade(hex, alpha) {
    var v = parseInt(hex.slice(1), 16);
    return "rgba(" + (v >> 16 & 255) + "," + (v >> 8 & 255) + "," + (v & 255) + "," + alpha + ")";
  }

  function countBy(list, key) {
    var counts = new Map();
    list.forEach(function (item) { var k = key(item); counts.set(k, (counts.get(k) || 0) + 1); });
    return counts;
  }

  // --- start ---------------------------------------------------------------------------------
  setMode("kind");
  if (location.hash.length > 1) {
    var start = byId.get(decodeURIComponent(location.hash.slice(1)));
    if (start) select(start, false);
  }
  window.vaultkitGraph = { graph: fg, nodes: nodes, edges: edges, select: function (id, move) {
    var n = byId.get(id);
    select(n || null, move !== false);
    return Boolean(n);
  }, search: search, setMode: setMode };
  body.setAttribute("data-ready", "true");
})();
