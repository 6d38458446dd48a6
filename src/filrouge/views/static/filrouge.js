/* filrouge views: the report (data embedded in the page) and the web app (data from /api).
   Every piece of article text, name, title or URL is put in the page as a text node or an
   attribute value; nothing from the data is ever parsed as HTML. Links are made only for
   http(s) URLs. */
(function () {
  "use strict";
  var PAGE = 150;          // items rendered at once in long lists
  var APP = document.body.getAttribute("data-mode") === "app";
  var BASE = APP ? (document.body.getAttribute("data-base") || "") : "";
  var S = null;            // the story payload
  var state = {org: "", person: "", type: "", from: "", to: ""};

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === "cls") e.className = attrs[k];
      else if (k === "text") e.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function safeUrl(u) {
    if (!u) return null;
    try { var p = new URL(u, "http://invalid.example/"); } catch (e) { return null; }
    return (p.protocol === "http:" || p.protocol === "https:") && /^https?:/i.test(u) ? p.href : null;
  }
  function fmtDay(d) {
    if (!d) return "undated";
    if (d.length === 4) return d;
    if (d.length === 7) return new Date(d + "-15T12:00:00Z").toLocaleDateString("en-GB", {month: "long", year: "numeric", timeZone: "UTC"});
    var t = new Date(d.slice(0, 10) + "T12:00:00Z");
    if (isNaN(t)) return d;
    return t.toLocaleDateString("en-GB", {weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
  }
  function pages(container, items, render) {
    var shown = 0;
    var more = el("button", {cls: "more", type: "button"});
    function next() {
      var end = Math.min(items.length, shown + PAGE);
      for (; shown < end; shown++) container.insertBefore(render(items[shown], shown), more);
      more.textContent = "Show more (" + (items.length - shown) + " left)";
      more.style.display = shown < items.length ? "" : "none";
    }
    more.addEventListener("click", next);
    container.appendChild(more);
    next();
  }

  /* ---------------------------------------------------------------- provenance panel */
  function sourceNode(s) {
    var url = safeUrl(s.url);
    var meta = el("div", {cls: "meta"}, [
      el("b", {text: s.source || "unknown source"}), " · ", (s.published || "no date").slice(0, 16),
      s.date_text ? " · date read from “" + s.date_text + "”" : "",
      s.date_basis === "published" ? " · dated by publication" : ""]);
    var title = url ? el("a", {href: url, target: "_blank", rel: "noopener noreferrer", text: s.title || url})
                    : el("span", {text: s.title || "(untitled)"});
    var ctx = el("div", {cls: "ctx"}, [
      s.before !== undefined ? "…" + s.before : "",
      el("mark", {text: s.hit !== undefined ? s.hit : (s.text || "")}),
      s.after !== undefined ? s.after + "…" : ""]);
    var open = el("button", {cls: "more", type: "button", text: "Open the article", onclick: function () { showArticle(s.doc); }});
    return el("div", {cls: "source"}, [meta, el("div", {}, [title]), ctx, open]);
  }
  function showSources(title, sources, extra) {
    var p = clear(document.getElementById("panel"));
    p.appendChild(el("h3", {text: title}));
    if (extra) p.appendChild(extra);
    if (!sources || !sources.length) p.appendChild(el("p", {cls: "empty", text: "No source sentence."}));
    (sources || []).forEach(function (s) { p.appendChild(sourceNode(s)); });
  }

  /* ---------------------------------------------------------------- filters */
  function evMatches(e) {
    if (state.org && e.org !== state.org) return false;
    if (state.person && (e.person || e.speaker) !== state.person) return false;
    if (state.type && e.type !== state.type) return false;
    var d = e.date ? e.date.slice(0, 10) : null;
    if ((state.from || state.to) && !d) return false;
    if (state.from && (e.date_end || d).slice(0, 10) < state.from) return false;
    if (state.to && d > state.to) return false;
    return true;
  }
  function fillSelect(id, values) {
    var s = document.getElementById(id);
    values.forEach(function (v) { s.appendChild(el("option", {value: v, text: v})); });
    s.addEventListener("change", function () { state[id.slice(2)] = s.value; refresh(); });
  }
  function setupFilters() {
    var orgs = {}, people = {}, types = {};
    S.events.forEach(function (e) { if (e.org) orgs[e.org] = 1; if (e.person || e.speaker) people[e.person || e.speaker] = 1; types[e.type] = 1; });
    S.lanes.forEach(function (l) { orgs[l.org] = 1; });
    fillSelect("f-org", Object.keys(orgs).sort());
    fillSelect("f-person", Object.keys(people).sort());
    fillSelect("f-type", Object.keys(types).sort());
    ["from", "to"].forEach(function (k) {
      var i = document.getElementById("f-" + k);
      i.addEventListener("change", function () { state[k] = i.value; refresh(); });
    });
    document.getElementById("f-clear").addEventListener("click", function () {
      state = {org: "", person: "", type: "", from: "", to: ""};
      ["f-org", "f-person", "f-type", "f-from", "f-to"].forEach(function (id) { document.getElementById(id).value = ""; });
      refresh();
    });
  }
  // the app sends the first events with the page; with more in the store, filters ask the server
  function refresh() {
    if (APP && S.events_total > S.events.length) {
      var q = [];
      if (state.org) q.push("org=" + encodeURIComponent(state.org));
      if (state.person) q.push("person=" + encodeURIComponent(state.person));
      if (state.type) q.push("type=" + encodeURIComponent(state.type));
      if (state.from) q.push("from=" + state.from);
      if (state.to) q.push("to=" + state.to);
      fetch(BASE + "/api/timeline?limit=5000&" + q.join("&")).then(function (r) { return r.json(); }).then(function (d) {
        renderTimeline(d.events, d.total); renderRoles();
      });
      return;
    }
    renderTimeline(); renderRoles();
  }

  /* ---------------------------------------------------------------- timeline */
  function eventNode(e) {
    var person = e.person || e.speaker;
    var who = [person, e.role ? (person ? ", " : "") + e.role : "", e.org ? (person || e.role ? " · " : "") + e.org : ""].join("");
    var value = e.value || e.quote || e.amount_text || "";
    var tags = [];
    if (e.interim) tags.push(el("span", {cls: "tag interim", text: "interim"}));
    if (e.modality && e.modality !== "stated") tags.push(el("span", {cls: "tag", text: e.modality}));
    var alt = Object.keys(e.conflicting_dates || {});
    if (alt.length) tags.push(el("span", {cls: "tag warn", text: "sources disagree: " + alt.join(", ")}));
    // how sure the date is: estimated (≈, from the publication day or inferred), coarse (a month, a year)
    if (e.date && e.estimated) tags.push(el("span", {cls: "tag date-est", title: "The sources do not state this date",
      text: "≈ " + (e.date_note || "estimated date")}));
    else if (e.date && e.date_coarse) tags.push(el("span", {cls: "tag date-coarse", text: (e.date_label || "") + " · " + e.date_note}));
    var cls = "event t-" + e.type + (!e.date ? " undated" : "") + (e.date && e.estimated ? " date-estimated" : "") +
      (e.date && e.date_coarse ? " date-coarse" : "");
    var node = el("div", {cls: cls, "data-event": String(e.id), tabindex: "0",
      "data-date-precision": e.date_precision || "none",
      "data-date-uncertain": !e.date ? "undated" : e.estimated ? "estimated" : e.date_coarse ? "coarse" : "no"}, [
      el("span", {cls: "type", text: e.type}),
      el("span", {}, [el("span", {cls: "who", text: who || "—"}), value ? " — " + value : ""].concat(tags)),
      el("span", {cls: "support", text: e.support + (e.support === 1 ? " source" : " sources")})]);
    function open() {
      document.querySelectorAll(".event.selected").forEach(function (n) { n.classList.remove("selected"); });
      node.classList.add("selected");
      var srcs = e.sources.slice();
      alt.forEach(function (d) { srcs = srcs.concat(e.conflicting_dates[d]); });
      showSources(e.type + ((e.person || e.speaker) ? " — " + (e.person || e.speaker) : "") + (e.date ? " (" + (e.date_label || e.date.slice(0, 10)) + ")" : ""), srcs,
        e.date_note ? el("p", {cls: "hint", text: "Date: " + (e.date_label || "undated") + " — " + e.date_note}) : null);
    }
    node.addEventListener("click", open);
    node.addEventListener("keydown", function (k) { if (k.key === "Enter") open(); });
    return node;
  }
  function renderTimeline(fetched, total) {
    var box = clear(document.getElementById("tab-timeline"));
    var evs = (fetched || S.events).filter(evMatches);
    var all = fetched ? total : S.events_total;
    if (all && all > evs.length && !fetched)
      box.appendChild(el("p", {cls: "hint", text: "Showing the first " + S.events.length + " of " + all + " events: choose an organisation, person, event type or dates to see the others."}));
    var dated = evs.filter(function (e) { return e.date; });
    var undated = evs.filter(function (e) { return !e.date; });
    if (!evs.length) box.appendChild(el("p", {cls: "empty", text: "No event matches."}));
    var groups = [], last = null;
    // one group per day, or per month, year... for dates known only that far
    dated.forEach(function (e) {
      var p = e.date_precision || "day", d = p + ":" + e.date.slice(0, 10) + ":" + (p === "day" ? "" : (e.date_end || ""));
      if (!last || last.key !== d) { last = {key: d, day: e.date.slice(0, 10), precision: p, label: e.date_label, events: []}; groups.push(last); }
      last.events.push(e);
    });
    var list = el("div", {cls: "days"});
    box.appendChild(list);
    pages(list, groups, function (g) {
      var head = g.precision === "day" ? fmtDay(g.day) : (g.label || "").replace(/^≈ /, "") + " (" + g.precision + " only)";
      var sec = el("div", {cls: "day" + (g.precision === "day" ? "" : " coarse"), "data-precision": g.precision}, [el("h3", {text: head})]);
      g.events.forEach(function (e) { sec.appendChild(eventNode(e)); });
      return sec;
    });
    if (undated.length) {
      box.appendChild(el("h2", {text: "Undated (" + undated.length + ")", title: "No source gives or implies a date for these events"}));
      var u = el("div", {cls: "day undated"});
      box.appendChild(u);
      pages(u, undated, eventNode);
    }
  }

  /* ---------------------------------------------------------------- role chart */
  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, kids) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function dayNum(d) { if (!d) return null; var t = Date.parse(d.slice(0, 10) + "T00:00:00Z") / 864e5; return isNaN(t) ? null : t; }
  var wholePeriod = false;
  var FADE = 72;  // px over which a start (or end) known only by a bound fades in (or out)
  // The days a bar may start and end: lo..hi for each side (equal for a known day; null when
  // nothing bounds it), from the payload's start_lo/start_hi/end_lo/end_hi.
  function barSpan(b) {
    return {slo: dayNum(b.start_lo), shi: dayNum(b.start_hi), elo: dayNum(b.end_lo), ehi: dayNum(b.end_hi)};
  }
  function renderRoles() {
    var box = clear(document.getElementById("tab-roles"));
    var lanes = S.lanes.filter(function (l) {
      return (!state.org || l.org === state.org) &&
        (!state.person || l.bars.some(function (b) { return b.name === state.person; }));
    });
    if (!lanes.length) { box.appendChild(el("p", {cls: "empty", text: "No role known."})); return; }
    var days = [];
    lanes.forEach(function (l) { l.bars.forEach(function (b) {
      var sp = barSpan(b);
      [sp.slo, sp.shi, sp.elo, sp.ehi, dayNum(b.seen_last)].forEach(function (d) { if (d !== null) days.push(d); });
    }); });
    var hi = Math.max.apply(null, days), lo = Math.min.apply(null, days);
    if (!isFinite(lo)) { lo = dayNum(new Date().toISOString()); hi = lo; }
    var zoomed = !wholePeriod && hi - lo > 60;
    if (zoomed) lo = hi - 45;  // the story's last weeks; the toggle shows the whole period
    if (state.from) lo = dayNum(state.from);
    if (state.to) hi = dayNum(state.to);
    var pad = Math.max(1, Math.round((hi - lo) * 0.06));
    lo -= pad; hi += pad;
    var labelW = 210, W = Math.max(720, box.clientWidth || 900) - 30, plotW = W - labelW - 16;
    var x = function (d) { return labelW + Math.max(0, Math.min(1, (d - lo) / Math.max(1, hi - lo))) * plotW; };
    var BAR = 20, GAP = 4;
    // stack the bars of a lane on sub-rows so that none overlaps
    var layout = lanes.map(function (l) {
      var ends = [], bars = l.bars.map(function (b) {
        var sp = barSpan(b);
        var su = !!b.start_uncertain, eu = !!b.end_uncertain;
        // solid from the day it was surely held (a known start, or "held by"), faded before it
        var s1 = sp.shi !== null ? x(sp.shi + (su && b.start ? 1 : 0))  // a coarse start: after its whole month or year
          : sp.slo !== null ? x(sp.slo) + FADE / 2 : labelW + FADE;
        var x0 = !su ? x(sp.slo) : sp.slo !== null ? x(sp.slo) : Math.max(labelW, s1 - FADE);
        if (su && sp.slo === null && sp.shi !== null && x(sp.shi) <= labelW + 1) x0 = labelW;  // before the chart
        // solid until the day it surely ended (a known end) or was last seen held, faded to the
        // day it had ended by
        var x1, e0, seen = dayNum(b.seen_last);
        if (sp.elo !== null && !eu) { x1 = x(sp.elo + 1); e0 = x1; }
        else if (sp.elo !== null) { e0 = x(sp.elo); x1 = x(sp.ehi + 1); }
        else if (sp.ehi !== null) { x1 = x(sp.ehi + 1); e0 = Math.max(s1, seen !== null && seen < sp.ehi ? x(seen + 1) : x1 - FADE); }
        else if (b.open) { x1 = W - 6; e0 = x1; }
        else { e0 = Math.max(s1, seen !== null ? x(seen + 1) : x0 + 8); x1 = e0 + FADE / 2; }  // ended, day unknown
        x0 = Math.max(labelW, x0);
        if (x1 - x0 < 8) x1 = x0 + 8;
        s1 = Math.max(x0, Math.min(s1, x1)); e0 = Math.max(s1, Math.min(e0, x1));
        var label = b.name + (b.interim ? " (interim)" : "");
        var tw = label.length * 7 + 12, place = "inside", a = x0, z = x1;
        if ((eu ? e0 : x1) - s1 < tw) {  // the name goes where the bar is solid, or beside it
          if (x1 + tw + 10 <= W) { place = "right"; z = x1 + tw + 10; }
          else { place = "left"; a = x0 - tw; }
        }
        var row = 0;
        while ((ends[row] || []).some(function (o) { return a < o[1] && o[0] < z; })) row++;
        (ends[row] = ends[row] || []).push([a, z]);
        return {b: b, sp: sp, x0: x0, x1: x1, s1: s1, e0: e0, su: su, eu: eu, row: row, label: label, place: place};
      });
      return {lane: l, bars: bars, rows: Math.max(1, ends.length)};
    });
    var H = 26;
    layout.forEach(function (L) { L.y = H; H += L.rows * (BAR + GAP) + 10; });
    var root = svg("svg", {width: W, height: H, role: "img", "aria-label": "Who held which role when"});
    var defs = svg("defs", {}, [svg("pattern", {id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)"},
      [svg("rect", {width: 6, height: 6, fill: "#f6d6a6"}), svg("line", {x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#d98a1c", "stroke-width": 3})])]);
    root.appendChild(defs);
    var axis = svg("g", {"class": "axis"});
    var ticks = Math.min(6, Math.max(2, Math.round(hi - lo)));
    for (var t = 0; t < ticks; t++) {
      var d = lo + (hi - lo) * t / ticks, xx = x(d);
      axis.appendChild(svg("line", {x1: xx, x2: xx, y1: 18, y2: H, stroke: "#eef1f5"}));
      axis.appendChild(svg("text", {x: xx, y: 12, "text-anchor": "middle"}, [new Date(Math.round(d) * 864e5).toISOString().slice(0, 10)]));
    }
    root.appendChild(axis);
    layout.forEach(function (L) {
      var l = L.lane, y = L.y;
      root.appendChild(svg("text", {x: 4, y: y + BAR / 2 + 5, "font-weight": 600}, [l.org + " · " + l.role]));
      root.appendChild(svg("line", {x1: 0, x2: W, y1: y + L.rows * (BAR + GAP) + 4, y2: y + L.rows * (BAR + GAP) + 4, stroke: "#e3e7ec"}));
      L.bars.forEach(function (it) {
        var b = it.b, by = y + it.row * (BAR + GAP), w = it.x1 - it.x0;
        var dates = b.dates_label || "";
        var cls = "bar" + (it.su ? " start-uncertain" : "") + (it.eu ? " end-uncertain" : "") + (b.open ? " open" : "");
        var g = svg("g", {"class": cls, "data-bar": String(b.id), tabindex: "0",
          "data-start": it.su ? "uncertain" : "known", "data-end": b.open ? "open" : it.eu ? "uncertain" : "known"});
        g.appendChild(svg("title", {}, [it.label + ": " + dates + (b.interim ? " · interim" : "")]));
        var rect = {x: it.x0, y: by, width: w, height: BAR, rx: 3,
          fill: b.interim ? "url(#hatch)" : "#3b78c2", stroke: b.interim ? "#b86e0b" : "#1f5fa8", "stroke-width": 1};
        if (it.su || it.eu) {
          // uncertain ends fade: a mask whose gradient is clear where the role was surely held
          var gid = "fade-" + b.id, f0 = (it.s1 - it.x0) / Math.max(1, w), f1 = (it.e0 - it.x0) / Math.max(1, w);
          var lowS = it.su ? 0.12 : 1, lowE = it.eu ? 0.12 : 1;
          defs.appendChild(svg("linearGradient", {id: gid + "-g", gradientUnits: "userSpaceOnUse", x1: it.x0, x2: it.x1, y1: 0, y2: 0}, [
            svg("stop", {offset: 0, "stop-color": "#fff", "stop-opacity": lowS}),
            svg("stop", {offset: Math.max(0, Math.min(1, f0)), "stop-color": "#fff", "stop-opacity": 1}),
            svg("stop", {offset: Math.max(0, Math.min(1, Math.max(f0, f1))), "stop-color": "#fff", "stop-opacity": 1}),
            svg("stop", {offset: 1, "stop-color": "#fff", "stop-opacity": lowE})]));
          defs.appendChild(svg("mask", {id: gid, maskUnits: "userSpaceOnUse", x: it.x0 - 2, y: by - 2, width: w + 4, height: BAR + 4},
            [svg("rect", {x: it.x0 - 2, y: by - 2, width: w + 4, height: BAR + 4, fill: "url(#" + gid + "-g)"})]));
          rect.mask = "url(#" + gid + ")";
        }
        g.appendChild(svg("rect", rect));
        // a dashed edge where the day is not known
        var edge = b.interim ? "#b86e0b" : "#1f5fa8";
        if (it.su) g.appendChild(svg("line", {"class": "edge-uncertain", x1: it.x0 + 0.5, x2: it.x0 + 0.5, y1: by - 2, y2: by + BAR + 2,
          stroke: edge, "stroke-width": 1.5, "stroke-dasharray": "3 2"}));
        if (it.eu) g.appendChild(svg("line", {"class": "edge-uncertain", x1: it.x1 - 0.5, x2: it.x1 - 0.5, y1: by - 2, y2: by + BAR + 2,
          stroke: edge, "stroke-width": 1.5, "stroke-dasharray": "3 2"}));
        if (b.open) g.appendChild(svg("path", {d: "M" + (it.x1 - 1) + " " + by + " l7 " + BAR / 2 + " l-7 " + BAR / 2 + "z", fill: b.interim ? "#d98a1c" : "#1f5fa8"}));
        g.appendChild(svg("text", {x: it.place === "inside" ? it.s1 + 6 : it.place === "right" ? it.x1 + (b.open ? 10 : 4) : it.x0 - 4,
          "text-anchor": it.place === "left" ? "end" : "start", y: by + BAR / 2 + 4,
          fill: it.place === "inside" && !b.interim ? "#fff" : "#1d232b", "font-weight": 600}, [it.label]));
        function open() {
          document.querySelectorAll(".bar.selected").forEach(function (n) { n.classList.remove("selected"); });
          g.classList.add("selected");
          var title = b.name + " — " + l.role + ", " + l.org, info = el("p", {text: dates + (b.interim ? " · interim" : "")});
          var more = b.sources_total && b.sources_total > b.sources.length;
          if (more && !b.sources.length) {
            var p = clear(document.getElementById("panel"));
            p.appendChild(el("h3", {text: title}));
            p.appendChild(info);
            p.appendChild(el("p", {cls: "hint", text: "Fetching its " + b.sources_total + " source sentences…"}));
          } else {
            showSources(title, b.sources, info);
          }
          if (more) {
            // the page got the first sources of the bar: the others come with the organisation's roles
            fetch("/api/roles/" + encodeURIComponent(l.org) + "?role=" + encodeURIComponent(l.role))
              .then(function (r) { return r.ok ? r.json() : null; })
              .then(function (d) {
                var full = d && (d.intervals || []).filter(function (i) {
                  return i.name === b.name && i.start === b.start && i.end === b.end && i.interim === b.interim; })[0];
                if (full && g.classList.contains("selected")) showSources(title, full.sources, info);
              });
          }
        }
        g.addEventListener("click", open);
        g.addEventListener("keydown", function (k) { if (k.key === "Enter") open(); });
        root.appendChild(g);
      });
    });
    var toggle = el("button", {cls: "more", type: "button", text: wholePeriod ? "Show the last weeks" : "Show the whole period",
      onclick: function () { wholePeriod = !wholePeriod; renderRoles(); }});
    box.appendChild(el("div", {cls: "chart"}, [root]));
    box.appendChild(el("p", {cls: "legend"}, [
      el("span", {}, [el("i", {cls: "sw sw-solid"}), "solid: held between stated days"]),
      el("span", {}, [el("i", {cls: "sw sw-fade"}), "faded, dashed edge: day not stated — solid from the day surely held (“held by”), faded over the days it may have started (“after”, a whole month or year, or before the chart) or ended (“ended by”)"]),
      el("span", {}, [el("i", {cls: "sw sw-hatch"}), "hatched: interim"]),
      el("span", {text: "▶ arrow: still held"}),
      zoomed || wholePeriod ? toggle : null]));
  }

  /* ---------------------------------------------------------------- conflicts */
  function renderConflicts() {
    var box = clear(document.getElementById("tab-conflicts"));
    if (!S.conflicts.length) box.appendChild(el("p", {cls: "empty", text: "The sources agree on everything compared."}));
    S.conflicts.forEach(function (c) {
      var vals = el("div", {cls: "values"});
      c.values.forEach(function (v) {
        var n = el("div", {cls: "value", tabindex: "0"}, [el("b", {text: String(v.value)}), el("div", {cls: "support",
          text: v.sources.length + (v.sources.length === 1 ? " source: " : " sources: ") +
            v.sources.map(function (s) { return s.source || "?"; }).join(", ")})]);
        n.addEventListener("click", function () { showSources(c.about + ": " + v.value, v.sources); });
        vals.appendChild(n);
      });
      box.appendChild(el("div", {cls: "conflict"}, [el("h3", {}, [el("span", {cls: "kind " + c.kind, text: c.kind}), c.about]), vals]));
    });
  }

  /* ---------------------------------------------------------------- entities */
  function renderEntities() {
    var box = clear(document.getElementById("tab-entities"));
    var body = el("tbody");
    box.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, ["Name", "Kind", "Mentions", "Also written", "Part of", "Roles"].map(function (h) { return el("th", {text: h}); }))]), body]));
    pages(body, S.entities, function (e) {
      return el("tr", {}, [el("td", {}, [el("b", {text: e.name})]), el("td", {text: e.kind}), el("td", {text: String(e.mentions)}),
        el("td", {text: (e.aliases || []).filter(function (a) { return a !== e.name; }).join(", ")}),
        el("td", {text: e.part_of || ""}), el("td", {text: (e.roles || []).join("; ")})]);
    });
  }

  /* ---------------------------------------------------------------- articles */
  function articleRow(a) {
    var kids = [el("td", {}, [el("b", {text: a.title || "(untitled)"}),
      a.copies.length ? el("details", {cls: "copies"}, [el("summary", {text: a.copies.length + " duplicate" + (a.copies.length > 1 ? "s" : "") + " folded"})].concat(
        a.copies.map(function (c) {
          return el("div", {cls: "art", onclick: function (ev) { ev.stopPropagation(); showArticle(c.id); }},
            [c.source || "?", " · ", (c.published || "no date").slice(0, 10), " · ", c.title || "", c.similarity ? " (similarity " + c.similarity.toFixed(2) + ")" : ""]);
        }))) : null]),
      el("td", {text: a.source || ""}), el("td", {text: (a.published || "—").slice(0, 16)}), el("td", {text: a.published_basis}),
      el("td", {text: String(a.words)})];
    return el("tr", {cls: "art", "data-doc": a.id, onclick: function () { showArticle(a.id); }}, kids);
  }
  function renderArticles() {
    var box = clear(document.getElementById("tab-articles"));
    var body = el("tbody");
    box.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, ["Title", "Source", "Published", "Date from", "Words"].map(function (h) { return el("th", {text: h}); }))]), body]));
    if (APP && S.articles_total > S.articles.length) {
      pagesRemote(body, S.articles, S.articles_total);
    } else {
      pages(body, S.articles, articleRow);
    }
  }
  function pagesRemote(body, first, total) {
    var loaded = 0;
    var more = el("button", {cls: "more", type: "button"});
    function add(list) { list.forEach(function (a) { body.appendChild(articleRow(a)); }); loaded += list.length;
      more.textContent = "Show more (" + (total - loaded) + " left)"; more.style.display = loaded < total ? "" : "none"; }
    more.addEventListener("click", function () {
      fetch(BASE + "/api/articles?offset=" + loaded + "&limit=" + PAGE).then(function (r) { return r.json(); })
        .then(function (d) { add(d.articles); });
    });
    document.getElementById("tab-articles").appendChild(more);
    add(first);
  }
  function paragraphs(text) {
    var box = el("div", {cls: "body"});
    text.split(/\n+/).forEach(function (p) { if (p.trim()) box.appendChild(el("p", {text: p})); });
    return box;
  }
  function renderArticle(a, rec) {
    var p = clear(document.getElementById("panel"));
    var url = safeUrl(a.url);
    p.appendChild(el("div", {cls: "article-view"}, [
      el("h3", {text: a.title || "(untitled)"}),
      el("div", {cls: "source"}, [el("div", {cls: "meta"}, [el("b", {text: a.source || "unknown source"}), " · ",
        (a.published || "no date"), " (date from " + a.published_basis + ")", a.duplicate_of ? " · copy of another article" : ""]),
        url ? el("a", {href: url, target: "_blank", rel: "noopener noreferrer", text: url}) : (a.url ? el("span", {text: a.url + " (not a web link)"}) : null)]),
      rec ? paragraphs(rec.body) : el("p", {cls: "empty", text: "Text not included."}),
      rec && rec.removed && rec.removed.length ? el("h3", {text: "Removed by the cleaner (" + rec.removed.length + ")"}) : null,
      rec && rec.removed ? el("div", {}, rec.removed.map(function (r) { return el("div", {cls: "removed"}, [el("b", {text: r.reason + ": "}), r.text]); })) : null,
      rec && rec.comments ? el("p", {cls: "hint", text: rec.comments + " reader comment(s) kept apart, never read for facts."}) : null]));
  }
  function findArticle(id) {
    var hit = null;
    S.articles.forEach(function (a) { if (a.id === id) hit = a; a.copies.forEach(function (c) { if (c.id === id) hit = c; }); });
    return hit;
  }
  function showArticle(id) {
    if (APP) {
      fetch(BASE + "/api/articles/" + encodeURIComponent(id)).then(function (r) { return r.json(); })
        .then(function (d) { renderArticle(d, d); });
    } else {
      renderArticle(findArticle(id) || {id: id, published_basis: "?"}, (S.bodies || {})[id]);
    }
  }

  /* ---------------------------------------------------------------- search (app) */
  function setupSearch() {
    var form = document.getElementById("search-form");
    if (!form) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = document.getElementById("search-q").value;
      var out = clear(document.getElementById("search-results"));
      fetch(BASE + "/api/search?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (d) {
        if (!d.hits.length) out.appendChild(el("p", {cls: "empty", text: "No sentence matches."}));
        d.hits.forEach(function (h) {
          var line = el("div", {}), pos = 0;
          h.marks.forEach(function (m) { line.appendChild(document.createTextNode(h.text.slice(pos, m[0])));
            line.appendChild(el("mark", {text: h.text.slice(m[0], m[1])})); pos = m[1]; });
          line.appendChild(document.createTextNode(h.text.slice(pos)));
          out.appendChild(el("div", {cls: "hit", "data-doc": h.doc, onclick: function () { showArticle(h.doc); }},
            [el("div", {cls: "support", text: (h.source || "?") + " · " + (h.published || "no date").slice(0, 10) + " · " + (h.title || "")}), line]));
        });
      });
    });
  }

  /* ---------------------------------------------------------------- start */
  function setupTabs() {
    document.querySelectorAll("#tabs button").forEach(function (b) {
      b.addEventListener("click", function () {
        document.querySelectorAll("#tabs button").forEach(function (x) { x.classList.toggle("active", x === b); });
        document.querySelectorAll(".tab").forEach(function (t) { t.classList.toggle("active", t.id === "tab-" + b.getAttribute("data-tab")); });
        if (b.getAttribute("data-tab") === "roles") renderRoles();
      });
    });
  }
  function start(data) {
    S = data;
    var orgs = S.entities.filter(function (e) { return e.kind === "organisation"; });
    if (APP && orgs.length) {
      document.querySelector(".story-title").textContent = "The " + orgs[0].name + " story";
      document.title = "The " + orgs[0].name + " story · filrouge";
    }
    var n = S.counts || {};
    document.getElementById("summary").textContent = (n.articles || 0) + " articles · " + (S.events_total || S.events.length) + " events · " +
      S.conflicts.filter(function (c) { return c.kind === "conflict"; }).length + " conflict(s)";
    setupTabs(); setupFilters(); setupSearch();
    renderTimeline(); renderRoles(); renderConflicts(); renderEntities(); renderArticles();
    document.body.setAttribute("data-ready", "1");
  }
  var embedded = document.getElementById("filrouge-data");
  if (embedded) start(JSON.parse(embedded.textContent));
  else fetch(BASE + "/api/story").then(function (r) { return r.json(); }).then(start);
})();
