// The map of reports: clusters counted by the server for what is in view, coloured by category,
// with a legend and a table of the same figures below the map. No inline scripts or styles (CSP):
// colours are set through the DOM, which the policy allows.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const box = document.getElementById("overview-map");
  if (!box) return;
  const data = box.dataset;
  const form = document.getElementById("map-filters");
  const notice = document.getElementById("map-notice");
  const summary = document.getElementById("map-summary");
  const tbody = document.querySelector("#map-clusters-table tbody");
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const degrees = new Intl.NumberFormat(document.documentElement.lang || undefined,
    { minimumFractionDigits: 4, maximumFractionDigits: 4 });

  for (const swatch of document.querySelectorAll(".legend-swatch[data-colour]")) {
    swatch.style.borderColor = swatch.dataset.colour;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function tell(message) {
    notice.textContent = message;
    notice.hidden = !message;
  }

  if (!window.L) {
    tell(data.textNoLeaflet);
    box.hidden = true;
    return;
  }
  const L = window.L;
  const map = L.map(box, { maxZoom: 19, minZoom: 2, worldCopyJump: false });
  const graticule = L.layerGroup().addTo(map);
  const features = L.layerGroup().addTo(map);

  if (data.tileUrl) {
    const tiles = L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.tileAttribution || "" });
    let failed = false;
    tiles.on("tileerror", () => {
      if (failed) return;
      failed = true;
      box.classList.add("no-tiles");
      tell(data.textTilesFailed);
      drawGraticule();
    });
    tiles.addTo(map);
  } else {
    box.classList.add("no-tiles");
    tell(data.textNoTiles);
  }

  // Where to open: the view kept in the address (#zoom/lat/lon), else the viewer's area, else Việt Nam.
  const kept = /^#(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
  if (kept) {
    map.setView([Number(kept[2]), Number(kept[3])], Number(kept[1]));
  } else if (data.bounds) {
    const [west, south, east, north] = data.bounds.split(",").map(Number);
    map.fitBounds([[south, west], [north, east]], { padding: [24, 24], maxZoom: 15 });
  } else {
    map.setView([16.0, 106.0], 6);
  }

  function drawGraticule() {
    graticule.clearLayers();
    if (!box.classList.contains("no-tiles")) return;
    const bounds = map.getBounds();
    const span = Math.max(bounds.getEast() - bounds.getWest(), bounds.getNorth() - bounds.getSouth());
    const steps = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005];
    const step = steps.find((candidate) => span / candidate >= 4) || steps[steps.length - 1];
    const line = { color: "#9aa7b1", weight: 1, opacity: 0.6, interactive: false };
    const south = Math.max(bounds.getSouth(), -85);
    const north = Math.min(bounds.getNorth(), 85);
    for (let lon = Math.ceil(bounds.getWest() / step) * step; lon <= bounds.getEast(); lon += step) {
      graticule.addLayer(L.polyline([[south, lon], [north, lon]], line));
    }
    for (let lat = Math.ceil(south / step) * step; lat <= north; lat += step) {
      graticule.addLayer(L.polyline([[lat, bounds.getWest()], [lat, bounds.getEast()]], line));
    }
  }

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  function viewport() {
    const bounds = map.getBounds();
    let west = clamp(bounds.getWest(), -180, 180);
    let east = clamp(bounds.getEast(), -180, 180);
    const south = clamp(bounds.getSouth(), -90, 90);
    const north = clamp(bounds.getNorth(), -90, 90);
    if (west >= east) { west = -180; east = 180; }
    return [west, south, east, north].map((value) => value.toFixed(6)).join(",");
  }

  function filterParams() {
    return form ? new URLSearchParams(new FormData(form)) : new URLSearchParams();
  }

  function keepState() {
    const centre = map.getCenter();
    const hash = `#${map.getZoom()}/${centre.lat.toFixed(5)}/${centre.lng.toFixed(5)}`;
    const query = filterParams().toString();
    window.history.replaceState(null, "", `${window.location.pathname}${query ? "?" + query : ""}${hash}`);
    for (const link of document.querySelectorAll("a[data-export-link]")) {
      link.href = `${link.href.split("?")[0]}?${query}`;
    }
  }

  let timer = null;
  let controller = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  function refresh() {
    drawGraticule();
    keepState();
    const params = filterParams();
    params.set("bbox", viewport());
    params.set("zoom", String(Math.round(map.getZoom())));
    if (controller) controller.abort();
    controller = new AbortController();
    summary.textContent = data.textLoading;
    fetch(`${data.clustersUrl}?${params}`, {
      headers: { Accept: "application/json" }, credentials: "same-origin", signal: controller.signal,
    })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        if (ok) draw(body);
        else summary.textContent = `${data.textError} ${body.detail || ""}`;
      })
      .catch((error) => {
        if (error.name !== "AbortError") summary.textContent = data.textFailed;
      });
  }

  function colourOf(categories, id) {
    const category = categories[String(id)];
    return category ? category.colour : "#6c757d";
  }

  function iconOf(categories, id) {
    const category = categories[String(id)];
    return (category && category.icon) || "•";
  }

  function nameOf(categories, id) {
    const category = categories[String(id)];
    return category ? category.name : "";
  }

  function ring(cluster, categories) {
    // The share of each category as a ring around the count: colour plus the dominant icon and the
    // number, so nothing rests on colour alone.
    const entries = Object.entries(cluster.categories).sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]));
    let start = 0;
    const stops = entries.map(([id, count]) => {
      const end = start + (count / cluster.count) * 100;
      const stop = `${colourOf(categories, id)} ${start.toFixed(2)}% ${end.toFixed(2)}%`;
      start = end;
      return stop;
    });
    const outer = document.createElement("span");
    outer.className = "map-bubble";
    outer.style.background = `conic-gradient(${stops.join(", ")})`;
    const inner = document.createElement("span");
    inner.className = "map-bubble-inner";
    const icon = document.createElement("span");
    icon.className = "map-bubble-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = iconOf(categories, cluster.dominant);
    const count = document.createElement("span");
    count.className = "map-bubble-count";
    count.textContent = numbers.format(cluster.count);
    inner.append(icon, count);
    outer.append(inner);
    return outer;
  }

  function dot(report, categories) {
    const element = document.createElement("span");
    element.className = `map-point map-point-${report.priority}`;
    element.style.borderColor = colourOf(categories, report.category);
    element.setAttribute("aria-hidden", "true");
    element.textContent = iconOf(categories, report.category);
    return element;
  }

  function reportUrl(id) {
    return data.reportUrl.replace("{id}", String(id));
  }

  function reportLabel(report, categories) {
    return fill(data.textReport, {
      reference: report.reference, category: nameOf(categories, report.category),
      status: report.status_label, priority: report.priority_label,
    });
  }

  function zoomInto(cluster) {
    map.setView([cluster.lat, cluster.lon], Math.min(map.getZoom() + 2, map.getMaxZoom()));
  }

  function addMarker(latlng, icon, size, label, onSelect) {
    const marker = L.marker(latlng, {
      icon: L.divIcon({ html: icon, className: "map-icon", iconSize: [size, size] }),
      keyboard: true, title: label, riseOnHover: true,
    });
    marker.on("click", onSelect);
    // Leaflet makes the icon a focusable button but only opens popups from the keyboard: Enter or Space
    // select it here, as a click does.
    marker.on("keydown", (event) => {
      const key = event.originalEvent.key;
      if (key === "Enter" || key === " ") {
        event.originalEvent.preventDefault();
        onSelect();
      }
    });
    features.addLayer(marker);
    const element = marker.getElement();
    if (element) element.setAttribute("aria-label", label);
  }

  function cell(row, content) {
    const td = document.createElement("td");
    if (content instanceof Node) td.append(content);
    else td.textContent = content;
    row.append(td);
    return td;
  }

  function breakdown(counts, categories) {
    return Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]))
      .map(([id, count]) => `${iconOf(categories, id)} ${nameOf(categories, id)}: ${numbers.format(count)}`)
      .join(" · ");
  }

  function draw(body) {
    features.clearLayers();
    tbody.replaceChildren();
    const categories = body.categories;
    for (const cluster of body.clusters) {
      const size = Math.round(28 + 8 * Math.log10(cluster.count));
      const label = fill(data.textCluster, { count: numbers.format(cluster.count) });
      addMarker([cluster.lat, cluster.lon], ring(cluster, categories), size, label, () => zoomInto(cluster));
      const row = document.createElement("tr");
      cell(row, fill(data.textArea, { lat: degrees.format(cluster.lat), lon: degrees.format(cluster.lon) }));
      cell(row, numbers.format(cluster.count));
      cell(row, breakdown(cluster.categories, categories));
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = data.textZoom;
      button.addEventListener("click", () => { zoomInto(cluster); box.focus(); });
      cell(row, button);
      tbody.append(row);
    }
    for (const report of body.reports) {
      const label = reportLabel(report, categories);
      addMarker([report.lat, report.lon], dot(report, categories), 28, label, () => {
        window.location.assign(reportUrl(report.id));
      });
      const row = document.createElement("tr");
      const link = document.createElement("a");
      link.href = reportUrl(report.id);
      link.textContent = report.reference;
      cell(row, link);
      cell(row, numbers.format(1));
      cell(row, `${iconOf(categories, report.category)} ${nameOf(categories, report.category)}: `
        + `${report.status_label}, ${report.priority_label}`);
      const open = document.createElement("a");
      open.href = reportUrl(report.id);
      open.textContent = data.textOpen;
      open.setAttribute("aria-label", `${data.textOpen} ${report.reference}`);
      cell(row, open);
      tbody.append(row);
    }
    summary.textContent = body.total ? fill(data.textSummary, {
      total: numbers.format(body.total), areas: numbers.format(body.clusters.length),
      single: numbers.format(body.reports.length),
    }) : data.textEmpty;
  }

  map.on("moveend", schedule);
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      refresh();
    });
  }
  refresh();
});
