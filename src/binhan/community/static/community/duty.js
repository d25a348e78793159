// The duty page: optionally records the route while a patrol is going on (kept in the browser until sent).
(function () {
  "use strict";
  const form = document.querySelector("[data-patrol-form]");
  if (!form) return;
  const toggle = form.querySelector("[data-record-route]");
  const hidden = form.querySelector("[data-patrol-route]");
  const status = form.querySelector("[data-route-status]");
  const key = "binhan-patrol-route:" + form.action;
  let points = [];
  try { points = JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { points = []; }
  let watch = null;

  function save() {
    localStorage.setItem(key, JSON.stringify(points));
    if (hidden) hidden.value = points.length ? JSON.stringify(points) : "";
    if (status) { status.hidden = points.length === 0; status.textContent = status.dataset.template ? status.dataset.template.replace("%s", points.length) : String(points.length); }
  }

  function start() {
    if (!("geolocation" in navigator)) { toggle.checked = false; toggle.disabled = true; return; }
    watch = navigator.geolocation.watchPosition(function (position) {
      points.push([position.coords.latitude, position.coords.longitude]);
      if (points.length > 2000) points.shift();
      save();
    }, function () { toggle.checked = false; }, { enableHighAccuracy: true, maximumAge: 30000 });
  }

  if (toggle) {
    if (points.length) { toggle.checked = true; start(); }
    toggle.addEventListener("change", function () {
      if (toggle.checked) { start(); } else if (watch !== null) { navigator.geolocation.clearWatch(watch); watch = null; }
    });
  }
  save();
  form.addEventListener("submit", function () {
    save();
    localStorage.removeItem(key);
  });
})();
