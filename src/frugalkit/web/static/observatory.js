// The observatory's charts: bars by region, an offline world map, time series with their
// sources, and the scenario builder that recomputes as a lever moves.
"use strict";
(() => {
  const { plain, PALETTE, CHART_CONFIG, LANG, SEPARATORS, w } = frugalkit;
  // Plotly fetches map geography from a CDN unless told otherwise: this server has a copy.
  const MAP_CONFIG = { ...CHART_CONFIG, topojsonURL: "/static/topojson/" };
  const figure = (x) => (x === null || x === undefined ? "–" : Number(Number(x).toPrecision(3)).toLocaleString(LANG));
  // A published figure is shown as published, not rounded.
  const published = (x) => Number(x).toLocaleString(LANG, { maximumFractionDigits: 6 });

  function caseColour(cases, name) {
    if (!cases.has(name)) cases.set(name, PALETTE[(cases.size + 1) % PALETTE.length]);
    return cases.get(name);
  }

  function hover(p) {
    const what = w(p.kind) + (p.case ? `, ${p.case}` : "");
    const flags = (p.secondary ? `<br>${plain(w("secondary source"))}` : "") + (p.verified ? "" : `<br>${plain(w("not verified"))}`);
    return `${plain(p.region_name || p.region)} ${p.year}: ${published(p.value)} ${plain(p.unit)}<br>${plain(what)}<br>` +
      `${plain(p.source_title)} (${plain(p.published)})${flags}${p.note ? "<br>" + plain(p.note) : ""}`;
  }

  function bars(data) {
    const element = document.getElementById("obs-bars");
    if (!element || !data.bars.length) return;
    const years = [...new Set(data.bars.map((p) => p.year))].sort();
    const traces = years.map((year, i) => {
      const points = data.bars.filter((p) => p.year === year);
      return {
        type: "bar", name: String(year), x: points.map((p) => plain(p.region_name)), y: points.map((p) => p.value),
        customdata: points.map(hover), hovertemplate: "%{customdata}<extra></extra>",
        marker: { color: PALETTE[i % PALETTE.length], pattern: { shape: points.map((p) => (p.kind === "projection" ? "/" : "")) } },
      };
    });
    const layout = {
      separators: SEPARATORS,
      barmode: "group", height: 360, margin: { t: 10, r: 10, l: 60, b: 80 }, legend: { orientation: "h", y: -0.25 },
      yaxis: { title: { text: `${plain(w(data.metric.label))} (${plain(data.metric.unit)})` }, rangemode: "tozero" },
    };
    Plotly.newPlot(element, traces, layout, CHART_CONFIG);
  }

  function map(data) {
    const element = document.getElementById("obs-map");
    if (!element) return;
    const countries = data.map.countries;
    const firstYear = Math.min(...data.markers.map((p) => p.year));
    // "World" is no place on a map: only regions get a circle.
    const markers = data.markers.filter((p) => p.year === firstYear && p.region !== "world");
    const biggest = Math.max(1, ...markers.map((p) => p.value));
    const traces = [
      {
        type: "choropleth", locationmode: "ISO-3", locations: countries.map((c) => c.region),
        z: countries.map((c) => c.value), text: countries.map((c) => `${plain(c.name)} (${c.year})`),
        hovertemplate: `%{text}<br>%{z:.0f} ${plain(data.map.metric.unit)}<extra></extra>`,
        colorscale: "YlOrBr", marker: { line: { color: "#fff", width: 0.3 } },
        colorbar: { title: { text: plain(data.map.metric.unit) }, thickness: 10, len: 0.6 },
      },
      {
        type: "scattergeo", mode: "markers", lon: markers.map((p) => p.lon), lat: markers.map((p) => p.lat),
        text: markers.map(hover), hovertemplate: "%{text}<extra></extra>", showlegend: false,
        marker: { size: markers.map((p) => 8 + 40 * Math.sqrt(p.value / biggest)), color: "rgba(0,114,178,0.55)", line: { color: "#0072B2", width: 1 } },
      },
    ];
    const layout = {
      separators: SEPARATORS,
      height: 380, margin: { t: 0, r: 0, l: 0, b: 0 },
      geo: { projection: { type: "natural earth", rotation: { lon: 0 } }, lonaxis: { range: [-180, 180] }, lataxis: { range: [-60, 85] }, showframe: false, showcoastlines: false, showcountries: true, countrycolor: "#999" },
    };
    Plotly.newPlot(element, traces, layout, MAP_CONFIG);
  }

  function timeline(data) {
    const element = document.getElementById("obs-timeline");
    if (!element || !data.series.length) return;
    const cases = new Map();
    const traces = data.series.map((s) => {
      const points = s.from_point ? [s.from_point, ...s.points] : s.points;
      const projected = Boolean(s.case);
      const colour = projected ? caseColour(cases, s.case) : PALETTE[7];
      return {
        type: "scatter", mode: "lines+markers", name: plain(`${s.case || w("observed")} · ${s.source_id}`),
        x: points.map((p) => p.year), y: points.map((p) => p.value), text: points.map(hover),
        hovertemplate: "%{text}<extra></extra>",
        line: { color: colour, dash: projected ? "dash" : "solid" },
        marker: { color: colour, symbol: s.secondary ? "circle-open" : "circle", size: 8 },
      };
    });
    const projectionYears = data.series.filter((s) => s.case).flatMap((s) => s.points.map((p) => p.year));
    const allYears = data.series.flatMap((s) => s.points.map((p) => p.year));
    const observedYears = data.series.filter((s) => !s.case).flatMap((s) => s.points.map((p) => p.year));
    const shapes = projectionYears.length ? [{
      type: "rect", xref: "x", yref: "paper", y0: 0, y1: 1, line: { width: 0 }, fillcolor: "rgba(0,0,0,0.06)",
      x0: observedYears.length ? Math.max(...observedYears) : Math.min(...projectionYears), x1: Math.max(...allYears) + 0.5,
    }] : [];
    const layout = {
      separators: SEPARATORS,
      height: 400, margin: { t: 10, r: 10, l: 60, b: 40 }, shapes, legend: { orientation: "h", y: -0.2 },
      yaxis: { title: { text: `${plain(w(data.metric.label))} (${plain(data.metric.unit)})` }, rangemode: "tozero" },
      xaxis: { dtick: 2 },
    };
    Plotly.newPlot(element, traces, layout, CHART_CONFIG);
  }

  function scenarioChart(result) {
    const years = result.world.map((w) => w.year);
    const traces = Object.entries(result.regions).map(([region, rows], i) => ({
      type: "scatter", mode: "lines", stackgroup: "one", name: plain(result.region_names[region] || region),
      x: years, y: rows.map((r) => r.electricity_twh), line: { color: PALETTE[i % PALETTE.length] },
      hovertemplate: `${plain(result.region_names[region] || region)} %{x}: %{y:.0f} TWh<extra></extra>`,
    }));
    const anchors = result.anchors.filter((a) => a.region === "world" && a.metric === "dc_electricity_twh");
    traces.push({
      type: "scatter", mode: "markers", name: w("published anchor"), x: anchors.map((a) => a.year), y: anchors.map((a) => a.value),
      marker: { symbol: "diamond", size: 11, color: "#000" },
      text: anchors.map((a) => plain(`${a.source} ${a.case}: ${a.value} TWh`)), hovertemplate: "%{text}<extra></extra>",
    });
    const layout = { separators: SEPARATORS, height: 380, margin: { t: 10, r: 10, l: 60, b: 40 }, legend: { orientation: "h", y: -0.2 }, yaxis: { title: { text: "TWh" }, rangemode: "tozero" } };
    Plotly.react(document.getElementById("scenario-chart"), traces, layout, CHART_CONFIG);
    const sens = [...result.sensitivity].reverse();
    Plotly.react(document.getElementById("sensitivity-chart"), [{
      type: "bar", orientation: "h", y: sens.map((s) => plain(s.label)),
      x: sens.map((s) => Math.abs(s.twh_high - s.twh_low)), base: sens.map((s) => Math.min(s.twh_low, s.twh_high)),
      marker: { color: PALETTE[0] }, hovertemplate: "%{y}<br>%{base:.0f} to %{x:.0f} TWh wide<extra></extra>",
    }], {
      height: 60 + 26 * sens.length, margin: { t: 10, r: 10, l: 10, b: 40 }, yaxis: { automargin: true },
      xaxis: { title: { text: w("World electricity in 2030 (TWh)") } },
      shapes: sens.length ? [{ type: "line", x0: sens[0].centre_twh, x1: sens[0].centre_twh, yref: "paper", y0: 0, y1: 1, line: { dash: "dot" } }] : [],
    }, CHART_CONFIG);
  }

  function fillScenario(result) {
    const at = (year) => result.world[year - 2024];
    const set = (id, text) => { const e = document.getElementById(id); if (e) e.textContent = text; };
    set("twh-2030", `${figure(at(2030).electricity_twh)} TWh`);
    set("twh-2035", `${figure(at(2035).electricity_twh)} TWh`);
    set("share-2030", w("%(share)s %% of electricity use").replace("%(share)s", figure(at(2030).share_pct)).replace("%%", "%"));
    set("share-2035", w("%(share)s %% of electricity use").replace("%(share)s", figure(at(2035).share_pct)).replace("%%", "%"));
    set("mt-2035", `${figure(at(2035).emissions_mt)} Mt CO2`);
    document.querySelectorAll("#anchors tbody tr").forEach((row, i) => {
      const a = result.anchors[i];
      row.cells[2].textContent = figure(a.model);
      const tenths = Math.round(a.deviation * 1000) / 10;  // as the server: "+1.2 %", "0.0 %", never "−0.0 %"
      row.cells[3].textContent = `${tenths > 0 ? "+" : tenths < 0 ? "\u2212" : ""}${Math.abs(tenths).toLocaleString(LANG, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}\u00a0%`;
    });
    const sensitivity = document.querySelector("#sensitivity tbody");
    sensitivity.replaceChildren(...result.sensitivity.map((s) => {
      const row = document.createElement("tr");
      for (const [text, numeric] of [[w(s.label), false], [figure(s.from), true], [figure(s.to), true], [w("%(low)s to %(high)s").replace("%(low)s", figure(s.twh_low)).replace("%(high)s", figure(s.twh_high)), true]]) {
        const cell = row.insertCell();
        cell.textContent = text;
        if (numeric) cell.className = "n";
      }
      return row;
    }));
    document.querySelectorAll("#years tbody tr").forEach((row, i) => {
      const values = [at(2024 + i).electricity_twh, `${figure(at(2024 + i).share_pct)} %`, at(2024 + i).emissions_mt, at(2024 + i).it_capacity_gw,
        ...Object.values(result.regions).map((rows) => rows[i].electricity_twh)];
      values.forEach((v, j) => { row.cells[j + 1].textContent = typeof v === "string" ? v : figure(v); });
    });
  }

  function scenarioBuilder(initial) {
    const form = document.getElementById("scenario-form");
    const status = document.createElement("p");
    status.setAttribute("role", "alert");
    status.className = "notice";
    status.hidden = true;
    form.append(status);
    const regionNames = initial.region_names;
    scenarioChart(initial);
    let timer = null;
    let asked = 0;
    const query = () => {
      const params = new URLSearchParams({ preset: form.elements.preset.value });
      for (const input of form.querySelectorAll("input[type=number]")) {
        if (input.value !== "" && Number(input.value) !== Number(input.dataset.preset)) params.set(input.name, input.value);
      }
      return params;
    };
    const recompute = async () => {
      const params = query();
      const mine = ++asked;
      const response = await fetch(`/api/observatory/scenario?${params}`, { headers: { accept: "application/json" } });
      const body = await response.json();
      if (mine !== asked) return; // a newer answer is on its way
      if (!response.ok) {
        status.textContent = typeof body.detail === "string" ? body.detail : "A lever is out of its range.";
        status.hidden = false;
        return;
      }
      status.hidden = true;
      body.region_names = regionNames;
      scenarioChart(body);
      fillScenario(body);
      history.replaceState(null, "", `?${params}`);
      document.getElementById("scenario-csv").href = `/observatory/scenario.csv?${params}`;
      document.getElementById("scenario-json").href = `/api/observatory/scenario?${params}`;
    };
    form.addEventListener("input", (event) => {
      if (event.target.name === "preset") return;
      clearTimeout(timer);
      timer = setTimeout(recompute, 150);
    });
    // A new preset brings its own lever values: load its page.
    form.elements.preset.addEventListener("change", () => { window.location.search = `?preset=${encodeURIComponent(form.elements.preset.value)}`; });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const element = document.getElementById("page-data");
    if (!element || !window.Plotly) return;
    const data = JSON.parse(element.textContent);
    if (element.dataset.chart === "observatory") { bars(data); map(data); timeline(data); }
    if (element.dataset.chart === "scenario") scenarioBuilder(data);
  });
})();
