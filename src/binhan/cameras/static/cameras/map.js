// The map of cameras: a marker per camera (W/F/R by status) and its view cone; works without tiles.
(function () {
  "use strict";
  const element = document.getElementById("camera-map");
  if (!element || typeof L === "undefined") return;
  const notice = document.getElementById("camera-map-notice");
  const filters = document.getElementById("camera-map-filters");
  const map = L.map(element).setView([21.0, 107.0], 9);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  }
  const layer = L.layerGroup().addTo(map);
  const letters = { working: "W", faulty: "F", removed: "R" };

  function show(text) { if (notice) { notice.hidden = !text; notice.textContent = text || ""; } }

  function load() {
    const query = filters ? new URLSearchParams(new FormData(filters)).toString() : "";
    fetch(element.dataset.url + (query ? "?" + query : ""), { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(); return response.json(); })
      .then(function (data) {
        layer.clearLayers();
        const bounds = [];
        data.features.forEach(function (feature) {
          const p = feature.properties;
          const latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
          L.polygon(p.cone, { className: "camera-cone camera-cone-" + p.status + " camera-cone-" + p.sharing, weight: 1,
            dashArray: p.sharing === "shared" ? null : "4 4" }).addTo(layer);
          const icon = L.divIcon({ className: "map-marker camera-marker camera-marker-" + p.status,
            html: letters[p.status] || "?", iconSize: [22, 22] });
          const link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name;
          L.marker(latlng, { icon: icon, keyboard: true, title: p.name }).bindPopup(link).addTo(layer);
          bounds.push(latlng);
        });
        if (bounds.length) { map.fitBounds(bounds, { maxZoom: 17 }); show(""); } else { show(element.dataset.emptyText); }
      })
      .catch(function () { show(element.dataset.errorText); });
  }

  if (filters) filters.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  load();
})();
