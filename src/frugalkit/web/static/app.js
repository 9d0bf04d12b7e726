// frugalkit pages: sortable and filterable tables, and the charts (Plotly, served locally).
"use strict";
const frugalkit = (() => {
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

  // No tool bar: its "share" button uploads the chart to a third-party cloud, and its ten
  // buttons sat in the tab order inside an image; the table below each chart has the data.
  // The page's language: its words for the charts come from the server's catalogue
  // (base.html, #words), its figures take the locale's separators.
  const LANG = document.documentElement.lang || "en";
  const WORDS = (() => { const el = document.getElementById("words"); return el ? JSON.parse(el.textContent) : {}; })();
  const w = (text) => WORDS[text] || text;
  const SEPARATORS = LANG === "fr" ? ",\u202f" : ".,";
  const CHART_CONFIG = { responsive: true, displayModeBar: false, displaylogo: false, showSendToCloud: false, showEditInChartStudio: false };

  function sortTable(table, column, numeric) {
    const header = table.tHead.rows[0].cells[column];
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const cell of table.tHead.rows[0].cells) cell.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const rows = Array.from(table.tBodies[0].rows);
    const key = (row) => row.cells[column].dataset.value ?? row.cells[column].textContent;
    rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    for (const row of rows) table.tBodies[0].appendChild(row);
  }

  // Text shown inside a chart: Plotly reads a few HTML tags in it, so none may come from data.
  const plain = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  // On a phone every data table reads as cards (style.css, table.stack): each cell under
  // its column's name, so that the figures a person came for are on screen (issue 23: a
  // table scrolled inside its box showed names and no numbers on 11 of 11 table pages).
  function stackTables() {
    document.querySelectorAll("table.data").forEach((table) => {
      table.classList.add("stack");
      const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
      table.querySelectorAll("tbody tr").forEach((row) => {
        let column = 0;
        Array.from(row.cells).forEach((cell) => {
          const label = heads[column];
          if (cell.tagName === "TD" && label && !cell.dataset.label) cell.dataset.label = label;
          column += cell.colSpan || 1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", stackTables);

  // The library's recent questions live in this browser only (issue 23: every visitor saw
  // everyone's questions, and a crawler's visit added to them).
  const RECENT = "frugalkit.recent-questions";
  function recentQuestions() {
    const section = document.getElementById("recent-questions");
    if (!section) return;
    let kept = [];
    try { kept = JSON.parse(localStorage.getItem(RECENT) || "[]").filter((q) => typeof q === "string"); } catch (e) { kept = []; }
    const asked = (new URLSearchParams(window.location.search).get("q") || "").trim();
    if (asked) kept = [asked, ...kept.filter((q) => q !== asked)].slice(0, 10);
    try { localStorage.setItem(RECENT, JSON.stringify(kept)); } catch (e) { /* private mode */ }
    const list = section.querySelector("ul");
    list.replaceChildren(...kept.map((q) => {
      const item = document.createElement("li"), link = document.createElement("a");
      link.href = `/library?q=${encodeURIComponent(q)}`;
      link.textContent = q;  // text, never markup
      item.append(link);
      return item;
    }));
    section.hidden = kept.length === 0;
    document.getElementById("forget-questions").addEventListener("click", () => {
      localStorage.removeItem(RECENT);
      list.replaceChildren();
      section.hidden = true;
    });
  }
  document.addEventListener("DOMContentLoaded", recentQuestions);

  document.addEventListener("DOMContentLoaded", () => {
    // No inline script (the Content Security Policy forbids it): a page's chart is named by
    // its data element and drawn from the JSON inside it.
    const pageData = document.getElementById("page-data");
    if (pageData && pageData.dataset.chart && window.Plotly) {
      const data = JSON.parse(pageData.textContent);
      if (pageData.dataset.chart === "scatter") scatter(pageData.dataset.target, data);
      if (pageData.dataset.chart === "breakdown") breakdown(pageData.dataset.target, data.report);
      if (pageData.dataset.chart === "bars") bars(pageData.dataset.target, data.items);
      if (pageData.dataset.chart === "kpis") kpis(pageData.dataset.target, data.months);
    }
    // "Compare selected" works with 2 to 5 ticked: until then it is disabled and says why
    // (without script the server refuses in one sentence instead).
    for (const form of document.querySelectorAll("form.compare-action")) {
      const button = form.querySelector("button");
      const boxes = document.querySelectorAll(`input[type=checkbox][form="${form.id}"]`);
      const update = () => {
        const ticked = Array.from(boxes).filter((b) => b.checked).length;
        button.disabled = ticked < 2 || ticked > 5;
        button.title = button.disabled ? w("tick 2 to 5 (%(ticked)s ticked)").replace("%(ticked)s", ticked) : "";
      };
      for (const box of boxes) box.addEventListener("change", update);
      update();
    }
    for (const table of document.querySelectorAll("table.sortable")) {
      table.tHead.querySelectorAll("button[data-sort]").forEach((button) => {
        const column = button.closest("th").cellIndex;
        button.addEventListener("click", () => sortTable(table, column, button.dataset.sort === "n"));
      });
      // The server filters (so the count, the chart and the address follow): submit on change.
      const form = document.querySelector("form.filters:not(.test-set)");
      if (form) form.addEventListener("change", () => form.submit());
    }
  });

  const PREFIXES = [[1e3, "k"], [1, ""], [1e-3, "m"], [1e-6, "µ"], [1e-9, "n"], [1e-12, "p"]];

  // A decade as the server writes figures (impact/display.py): "100 µWh", "1 mWh".
  function prefixed(value, unit) {
    const [factor, prefix] = PREFIXES.find(([f]) => value >= f * 0.9999) || PREFIXES[PREFIXES.length - 1];
    return `${Math.round(value / factor)} ${prefix}${unit}`;
  }

  function decades(values, unit) {
    const finite = values.filter((v) => v > 0 && Number.isFinite(v));
    if (!finite.length) return {};
    const low = Math.floor(Math.log10(Math.min(...finite))), high = Math.ceil(Math.log10(Math.max(...finite)));
    const tickvals = [];
    for (let e = low; e <= Math.max(high, low + 1); e += 1) tickvals.push(10 ** e);
    // The whole decades shown, so that even a single point sits between two labelled ticks.
    return { tickvals, ticktext: tickvals.map((v) => prefixed(v, unit)), range: [low, Math.max(high, low + 1)] };
  }

  function scatter(id, data) {
    const element = document.getElementById(id);
    const entries = data.entries.filter((e) => e.energy_wh_per_1000 > 0);
    const front = entries.filter((e) => e.pareto).sort((a, b) => a.energy_wh_per_1000 - b.energy_wh_per_1000);
    const traces = [
      {
        type: "scatter", mode: "markers", name: w("submissions"),
        x: entries.map((e) => e.energy_wh_per_1000), y: entries.map((e) => e.accuracy),
        customdata: entries.map((e) => e.id), text: entries.map((e) => plain(e.submission.split("/").pop())),
        hovertemplate: "%{text}<br>accuracy %{y:.3f}<br>%{x:.3s}Wh per 1,000 samples<extra></extra>",
        marker: { size: 11, color: PALETTE[0], symbol: entries.map((e) => (e.pareto ? "diamond" : "circle")) },
        // Each entry's energy band (an estimate is about ±50 %).
        error_x: {
          type: "data", symmetric: false, color: PALETTE[0], thickness: 1,
          array: entries.map((e) => (e.energy_high_wh_per_1000 ?? e.energy_wh_per_1000) - e.energy_wh_per_1000),
          arrayminus: entries.map((e) => e.energy_wh_per_1000 - (e.energy_low_wh_per_1000 ?? e.energy_wh_per_1000)),
        },
      },
      {
        type: "scatter", mode: "lines", name: w("Pareto front"), hoverinfo: "skip",
        x: front.map((e) => e.energy_wh_per_1000), y: front.map((e) => e.accuracy),
        line: { color: PALETTE[3], dash: "dash", shape: "hv" },
      },
    ];
    const layout = {
      separators: SEPARATORS,
      margin: { t: 20, r: 20, l: 60, b: 90 }, height: 400, legend: { orientation: "h", y: -0.3 },
      // One tick a decade, each with the site's metric prefix ("100 µWh", "1 mWh"): Plotly's
      // own SI format wrote "100µWh" beside "0.001Wh" on one axis.
      xaxis: { type: "log", ...decades(entries.flatMap((e) => [e.energy_low_wh_per_1000 ?? e.energy_wh_per_1000, e.energy_high_wh_per_1000 ?? e.energy_wh_per_1000]), "Wh"), title: { text: w("Energy per 1,000 samples (log scale)") } },
      yaxis: { title: { text: w("Accuracy (fraction correct)") }, rangemode: "tozero" },
    };
    Plotly.newPlot(element, traces, layout, CHART_CONFIG);
    element.on("plotly_click", (event) => {
      const point = event.points.find((p) => p.customdata);
      if (point) window.location.href = `/bench/runs/${point.customdata}`;
    });
  }

  function breakdown(id, report) {
    const components = ["cpu", "gpu", "ram"];
    const traces = [
      {
        type: "bar", name: w("energy (Wh)"), x: components.map((c) => c.toUpperCase()),
        y: components.map((c) => report.energy[`${c}_kwh`] * 1000), marker: { color: PALETTE[0] },
        xaxis: "x", yaxis: "y",
      },
      {
        type: "bar", name: w("greenhouse gases (gCO2e)"), x: [w("operational"), w("embodied")],
        y: [report.ghg.location_based_g, report.embodied.gwp_g], marker: { color: PALETTE[1] },
        xaxis: "x2", yaxis: "y2",
      },
    ];
    const layout = {
      separators: SEPARATORS,
      grid: { rows: 1, columns: 2, pattern: "independent" }, height: 320, margin: { t: 30 },
      yaxis: { title: { text: w("Energy") }, exponentformat: "SI", ticksuffix: "Wh" },
      yaxis2: { title: { text: w("Greenhouse gases") }, exponentformat: "SI", ticksuffix: "g" },
      showlegend: false,
    };
    Plotly.newPlot(document.getElementById(id), traces, layout, CHART_CONFIG);
  }

  function bars(id, items) {
    const shown = items.filter((i) => i.energy_wh !== null);
    const traces = [{
      type: "bar", x: shown.map((i) => plain(i.name)), y: shown.map((i) => i.energy_wh),
      marker: { color: PALETTE[0] }, hovertemplate: "%{x}<br>%{y:.3s}Wh<extra></extra>",
    }];
    const layout = {
      separators: SEPARATORS,
      height: 260, margin: { t: 10, r: 10, l: 60, b: 60 },
      yaxis: { title: { text: w("Energy") }, exponentformat: "SI", ticksuffix: "Wh", rangemode: "tozero" },
    };
    Plotly.newPlot(document.getElementById(id), traces, layout, CHART_CONFIG);
  }

  function kpis(id, months) {
    const periods = months.map((m) => m.period);
    const traces = [
      {
        type: "scatter", mode: "lines+markers", name: "PUE", x: periods,
        y: months.map((m) => m.kpis.pue), marker: { color: PALETTE[0] },
        hovertemplate: "%{x}: PUE %{y:.3f}<extra></extra>",
      },
      {
        type: "scatter", mode: "lines+markers", name: w("WUE (L/kWh)"), x: periods, yaxis: "y2",
        y: months.map((m) => m.kpis.wue), marker: { color: PALETTE[1], symbol: "square" },
        line: { dash: "dot" }, hovertemplate: "%{x}: WUE %{y:.3f} L/kWh<extra></extra>",
      },
    ];
    const layout = {
      separators: SEPARATORS,
      height: 300, margin: { t: 10, r: 60, l: 60, b: 60 }, legend: { orientation: "h", y: -0.25 },
      xaxis: { type: "category" },
      yaxis: { title: { text: "PUE" } },
      yaxis2: { title: { text: w("WUE, L/kWh") }, overlaying: "y", side: "right", rangemode: "tozero" },
    };
    Plotly.newPlot(document.getElementById(id), traces, layout, CHART_CONFIG);
  }

  return { scatter, breakdown, bars, kpis, sortTable, plain, PALETTE, CHART_CONFIG, LANG, SEPARATORS, w };
})();
