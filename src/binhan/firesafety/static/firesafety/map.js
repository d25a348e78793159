// The fire-safety map: public points by state (circle ✓, square !, square ✗), teams with their score,
// fire reports of the last `data-days` days (triangles; a link to the report only for those who handle it). Teams show their score as a number (coloured by band too). Works without tiles.
(function () {
  "use strict";
  const element = document.getElementById("fs-map");
  if (!element || typeof L === "undefined") return;
  const notice = document.getElementById("fs-map-notice");
  const map = L.map(element).setView([21.0, 107.0], 9);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  }
  const bounds = [];
  const STATE = { complete: ["fs-complete", "✓"], overdue: ["fs-overdue", "!"], missing: ["fs-missing", "✗"] };
  const Z_OFFSET = { reports: 2000, points: 1000, teams: 0 };

  function style(layer, props) {
    if (layer === "points") return STATE[props.state] || STATE.missing;
    if (layer === "teams") {
      const score = Math.round(props.score);
      return ["fs-team " + (score >= 80 ? "fs-team-high" : score >= 50 ? "fs-team-mid" : "fs-team-low"), String(score)];
    }
    return ["fs-report", "F"];
  }

  function label(layer, props) {
    if (layer === "teams") return props.name + " · " + props.score;
    if (layer === "reports") return props.name;
    return props.name;
  }

  function load(layer, name) {
    const days = layer === "reports" && element.dataset.days ? "&days=" + encodeURIComponent(element.dataset.days) : "";
    return fetch(element.dataset.dataUrl + "?layer=" + layer + days, { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        const group = L.geoJSON(data, { pointToLayer: function (feature, latlng) {
          const look = style(layer, feature.properties);
          const icon = L.divIcon({ className: "fs-marker " + look[0], html: look[1], iconSize: [layer === "teams" ? 30 : 22, 22] });
          // A team stands among its households, where points and fires also are: fires on top, then points,
          // so that the team's wider badge never hides them from a tap.
          const marker = L.marker(latlng, { icon: icon, keyboard: true, title: label(layer, feature.properties),
                                            zIndexOffset: Z_OFFSET[layer] || 0 });
          const link = document.createElement(feature.properties.url ? "a" : "span");
          if (feature.properties.url) link.href = feature.properties.url;
          link.textContent = label(layer, feature.properties);
          marker.bindPopup(link);
          bounds.push(latlng);
          return marker;
        } });
        group.addTo(map);
        return [name, group];
      });
  }

  Promise.all([
    load("points", element.dataset.labelPoints),
    load("teams", element.dataset.labelTeams),
    load("reports", element.dataset.labelReports),
  ]).then(function (layers) {
    const overlays = {};
    layers.forEach(function (pair) { overlays[pair[0]] = pair[1]; });
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 15 });
  }).catch(function () { if (notice) { notice.hidden = false; notice.textContent = element.dataset.errorText; } });
})();
