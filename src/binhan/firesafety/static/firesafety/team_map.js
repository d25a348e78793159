// A team's map: its placed households by state (✓ equipped, ! item past its check, ✗ missing an item),
// its public points (P) and the recent fire reports of its group (F; a link to the report only for those
// who handle it), from the JSON the page carries; no request of its own, works without tiles.
// The same drawing serves the page that places one household (tap the map, or use the phone's location).
(function () {
  "use strict";
  if (typeof L === "undefined") return;
  const HOUSE = { equipped: ["fs-complete", "✓"], overdue: ["fs-overdue", "!"], missing: ["fs-missing", "✗"] };
  const KIND = { point: ["fs-point", "P"], report: ["fs-report", "F"] };

  function read(element) {
    const source = document.getElementById(element.dataset.data);
    return source ? JSON.parse(source.textContent) : { features: [], centre: null };
  }

  function marker(latlng, look, title, extra) {
    const icon = L.divIcon({ className: "fs-marker " + look[0] + (extra || ""), html: look[1], iconSize: [22, 22] });
    return L.marker(latlng, { icon: icon, keyboard: true, title: title });
  }

  function draw(map, data, extra) {
    const bounds = [];
    L.geoJSON(data, { pointToLayer: function (feature, latlng) {
      const props = feature.properties;
      const look = KIND[props.kind] || HOUSE[props.state] || HOUSE.missing;
      const item = marker(latlng, look, props.name, extra);
      const link = document.createElement(props.url ? "a" : "span");
      if (props.url) link.href = props.url;
      link.textContent = props.name;
      item.bindPopup(link);
      bounds.push(latlng);
      return item;
    } }).addTo(map);
    return bounds;
  }

  function start(element) {
    element.hidden = false;
    const map = L.map(element);
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    return map;
  }

  function view(map, bounds, centre) {
    if (bounds.length > 1) map.fitBounds(bounds, { maxZoom: 18, padding: [20, 20] });
    else if (bounds.length === 1) map.setView(bounds[0], 17);
    else if (centre) map.setView(centre, 16);
    else map.setView([21.0, 107.0], 9);
  }

  const teamMap = document.getElementById("fs-team-map");
  if (teamMap) {
    const data = read(teamMap);
    if (data.features.length || data.centre) {
      const map = start(teamMap);
      view(map, draw(map, data, ""), data.centre);
    }
  }

  const placeMap = document.getElementById("fs-place-map");
  if (placeMap) {
    const form = placeMap.closest("form");
    const lat = form.querySelector("input[name=lat]");
    const lon = form.querySelector("input[name=lon]");
    const status = document.getElementById("fs-place-status");
    const data = read(placeMap);
    const map = start(placeMap);
    const bounds = draw(map, data, " fs-neighbour");
    let pin = null;

    function place(latitude, longitude, message) {
      lat.value = latitude.toFixed(6);
      lon.value = longitude.toFixed(6);
      if (pin) pin.setLatLng([latitude, longitude]);
      else pin = marker([latitude, longitude], ["fs-place-marker", "⌂"], placeMap.dataset.pinTitle || "").addTo(map);
      if (status && message) status.textContent = message;
    }

    if (lat.value && lon.value) {
      place(Number(lat.value), Number(lon.value), "");
      map.setView([Number(lat.value), Number(lon.value)], 18);
    } else {
      view(map, bounds, data.centre);
    }
    map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, placeMap.dataset.placed || ""); });

    const locate = form.querySelector("[data-use-location]");
    if (locate) {
      if (!navigator.geolocation) locate.hidden = true;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          place(position.coords.latitude, position.coords.longitude, placeMap.dataset.placed || "");
          map.setView([position.coords.latitude, position.coords.longitude], 18);
        }, function () { if (status) status.textContent = locate.dataset.failed || ""; },
        { enableHighAccuracy: true, timeout: 10000 });
      });
    }
  }
})();
