// The report form: pin on a map (when Leaflet and a container are there), "use my location",
// anonymous switch, similar reports, and a draft kept in the browser until the form is sent.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.report-form");
  if (!form) return;
  const lat = form.querySelector("input[name=lat]");
  const lon = form.querySelector("input[name=lon]");
  const status = document.getElementById("pin-status");
  const mapBox = document.getElementById("report-map");
  let marker = null;
  let map = null;

  function setPin(latitude, longitude, message) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (status && message) status.textContent = message;
    if (map) {
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = window.L.marker([latitude, longitude]).addTo(map);
    }
    saveDraft();
    lookForSimilar();
  }

  // Leaflet guesses where its marker images are from the url() in leaflet.css, but the hashed
  // static names (marker-icon.<hash>.png) defeat its guess and it asks the page's own path instead.
  // The images sit next to leaflet.js, under images/.
  function leafletImagePath() {
    const script = document.querySelector("script[src*='vendor/leaflet/leaflet']");
    return script ? new URL("images/", script.src).pathname : "";
  }

  if (mapBox && window.L) {
    if (!window.L.Icon.Default.imagePath) window.L.Icon.Default.imagePath = leafletImagePath();
    const start = lat.value && lon.value ? [Number(lat.value), Number(lon.value)] : [21.0, 107.2];
    map = window.L.map(mapBox).setView(start, lat.value ? 16 : 9);
    const tiles = mapBox.dataset.tileUrl;
    if (tiles) window.L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    if (lat.value && lon.value) marker = window.L.marker(start).addTo(map);
    map.on("click", (event) => setPin(event.latlng.lat, event.latlng.lng, mapBox.dataset.placed || ""));
  } else if (mapBox) {
    mapBox.hidden = true;
  }

  const locate = form.querySelector("[data-use-location]");
  if (locate) {
    if (!navigator.geolocation) locate.hidden = true;
    locate.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition(
        (position) => {
          setPin(position.coords.latitude, position.coords.longitude, "");
          if (map) map.setView([position.coords.latitude, position.coords.longitude], 17);
        },
        () => { if (status) status.textContent = locate.dataset.failed || ""; },
        { enableHighAccuracy: true, timeout: 10000 },
      );
    });
  }

  const anonymous = form.querySelector("input[name=anonymous]");
  function toggleNamed() {
    for (const block of form.querySelectorAll("[data-named-only]")) block.hidden = anonymous && anonymous.checked;
  }
  if (anonymous) anonymous.addEventListener("change", toggleNamed);
  toggleNamed();

  let similarTimer = null;
  function lookForSimilar() {
    const category = form.querySelector("input[name=category]:checked");
    if (!category || !lat.value || !window.htmx) return;
    clearTimeout(similarTimer);
    similarTimer = setTimeout(() => {
      window.htmx.ajax("GET", "/reports/new/similar/", {
        target: "#similar-reports",
        values: { category: category.value, lat: lat.value, lon: lon.value,
                  description: form.querySelector("[name=description]").value.slice(0, 300) },
      });
    }, 400);
  }
  form.addEventListener("change", (event) => { if (event.target.name === "category") lookForSimilar(); });

  // Nothing is lost: the text fields survive a reload or a dropped connection until the report is sent.
  const key = form.dataset.draftKey;
  const kept = ["description", "address", "reporter_name", "reporter_phone", "reporter_email", "lat", "lon"];
  function saveDraft() {
    const draft = {};
    for (const name of kept) {
      const field = form.querySelector(`[name=${name}]`);
      if (field && field.value) draft[name] = field.value;
    }
    const category = form.querySelector("input[name=category]:checked");
    if (category) draft.category = category.value;
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (error) { /* private mode: no draft */ }
  }
  function restoreDraft() {
    let draft = null;
    try { draft = JSON.parse(localStorage.getItem(key) || "null"); } catch (error) { draft = null; }
    if (!draft) return;
    for (const name of kept) {
      const field = form.querySelector(`[name=${name}]`);
      if (field && !field.value && draft[name]) field.value = draft[name];
    }
    if (draft.category && !form.querySelector("input[name=category]:checked")) {
      const radio = form.querySelector(`input[name=category][value="${draft.category}"]`);
      if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    }
    if (draft.lat && draft.lon && map) setPin(Number(draft.lat), Number(draft.lon), "");
  }
  restoreDraft();
  form.addEventListener("input", saveDraft);
  form.addEventListener("submit", () => { try { localStorage.removeItem(key); } catch (error) { /* ignore */ } });
});
