// The map of security teams (circles, "T") and model sites (squares, "M"); works without tiles.
(function () {
  "use strict";
  const element = document.getElementById("community-map");
  if (!element || typeof L === "undefined") return;
  const notice = document.getElementById("community-map-notice");
  const map = L.map(element).setView([21.0, 107.0], 9);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  }
  const bounds = [];

  function marker(feature, latlng, shape) {
    const icon = L.divIcon({ className: "map-marker map-marker-" + shape, html: shape === "team" ? "T" : "M", iconSize: [22, 22] });
    const item = L.marker(latlng, { icon: icon, keyboard: true, title: feature.properties.name });
    const link = document.createElement("a");
    link.href = feature.properties.url;
    link.textContent = feature.properties.name + " · " + feature.properties.unit;
    item.bindPopup(link);
    bounds.push(latlng);
    return item;
  }

  function load(url, shape, label) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); })
      .then(function (data) {
        const layer = L.geoJSON(data, { pointToLayer: function (feature, latlng) { return marker(feature, latlng, shape); } });
        layer.addTo(map);
        return [label, layer];
      });
  }

  Promise.all([
    load(element.dataset.teamsUrl, "team", element.dataset.labelTeams),
    load(element.dataset.sitesUrl, "site", element.dataset.labelSites),
  ]).then(function (layers) {
    const overlays = {};
    layers.forEach(function (pair) { overlays[pair[0]] = pair[1]; });
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 14 });
  }).catch(function () { if (notice) { notice.hidden = false; notice.textContent = element.dataset.errorText; } });
})();
